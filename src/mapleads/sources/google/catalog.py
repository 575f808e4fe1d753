"""Google's side of the catalogue: place types for our categories, field masks and SKU list prices.

Types are Google's "Table A" place types
(developers.google.com/maps/documentation/places/web-service/place-types). Prices are the list prices in USD
per 1000 requests (first volume tier, from March 2025) of the Places API (New) SKUs a field mask triggers; the
monthly free allowance is ignored, so the budget cap errs on the safe side. Set MAPLEADS_GOOGLE_PRICE when
your contract differs.
"""

from __future__ import annotations

from dataclasses import dataclass

#: our category key -> Google place types (the first is asked for; all map back to the category)
GOOGLE_TYPES: dict[str, tuple[str, ...]] = {
    "dentist": ("dentist", "dental_clinic"),
    "cafe": ("cafe", "coffee_shop"),
    "restaurant": ("restaurant",),
    "hairdresser": ("hair_salon", "hair_care", "barber_shop"),
    "pharmacy": ("pharmacy", "drugstore"),
    "doctor": ("doctor", "medical_clinic"),
    "doctors": ("doctor", "medical_clinic"),
    "clinic": ("medical_clinic",),
    "hospital": ("hospital",),
    "veterinary": ("veterinary_care",),
    "physiotherapist": ("physiotherapist",),
    "bakery": ("bakery",),
    "bar": ("bar",),
    "pub": ("pub", "bar"),
    "fast_food": ("fast_food_restaurant",),
    "ice_cream": ("ice_cream_shop",),
    "nightclub": ("night_club",),
    "supermarket": ("supermarket", "grocery_store"),
    "convenience": ("convenience_store",),
    "butcher": ("butcher_shop",),
    "clothes": ("clothing_store",),
    "shoes": ("shoe_store",),
    "jewelry": ("jewelry_store",),
    "florist": ("florist",),
    "books": ("book_store",),
    "electronics": ("electronics_store",),
    "furniture": ("furniture_store",),
    "hardware": ("hardware_store",),
    "bicycle": ("bicycle_store",),
    "pet": ("pet_store",),
    "optician": ("optician",),
    "beauty": ("beauty_salon",),
    "nail_salon": ("nail_salon",),
    "spa": ("spa",),
    "gym": ("gym", "fitness_center"),
    "fitness_centre": ("fitness_center", "gym"),
    "hotel": ("hotel", "lodging"),
    "hostel": ("hostel",),
    "car_repair": ("car_repair",),
    "car_dealer": ("car_dealer",),
    "car_wash": ("car_wash",),
    "fuel": ("gas_station",),
    "bank": ("bank",),
    "lawyer": ("lawyer",),
    "accountant": ("accounting",),
    "insurance": ("insurance_agency",),
    "estate_agent": ("real_estate_agency",),
    "real_estate": ("real_estate_agency",),
    "travel_agency": ("travel_agency",),
    "electrician": ("electrician",),
    "plumber": ("plumber",),
    "painter": ("painter",),
    "roofer": ("roofing_contractor",),
    "locksmith": ("locksmith",),
    "laundry": ("laundry",),
    "dry_cleaning": ("laundry",),
    "kindergarten": ("preschool",),
    "school": ("school",),
    "driving_school": ("driving_school",),
    "cinema": ("movie_theater",),
    "museum": ("museum",),
    "library": ("library",),
    "car_rental": ("car_rental",),
    "storage": ("storage",),
    "funeral_directors": ("funeral_home",),
}

#: Google type -> our category keys (every type listed above maps back)
CATEGORY_OF_TYPE: dict[str, list[str]] = {}
for _key, _types in GOOGLE_TYPES.items():
    for _type in _types:
        CATEGORY_OF_TYPE.setdefault(_type, []).append(_key)

_PRO = (
    "places.id,places.displayName,places.formattedAddress,places.addressComponents,places.location,"
    "places.types,places.primaryType,places.businessStatus,places.googleMapsUri"
)
_ENTERPRISE = (
    ",places.nationalPhoneNumber,places.internationalPhoneNumber,places.websiteUri,places.rating,"
    "places.userRatingCount,places.regularOpeningHours,places.priceLevel"
)


@dataclass(frozen=True, slots=True)
class FieldSet:
    name: str
    mask: str
    #: USD per 1000 requests, by endpoint ("text", "nearby")
    price: dict[str, float]
    sku: str

    def price_per_request(self, endpoint: str) -> float:
        return self.price[endpoint] / 1000.0


FIELD_SETS: dict[str, FieldSet] = {
    "pro": FieldSet("pro", _PRO, {"text": 32.0, "nearby": 32.0}, "Pro"),
    "enterprise": FieldSet("enterprise", _PRO + _ENTERPRISE, {"text": 35.0, "nearby": 35.0}, "Enterprise"),
}
ENDPOINTS = {"text": ("Text Search", "places:searchText"), "nearby": ("Nearby Search", "places:searchNearby")}
