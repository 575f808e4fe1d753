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
    "accountant": ("accounting",),
    "tax_advisor": ("accounting",),
    "alcohol": ("liquor_store",),
    "amusement_arcade": ("video_arcade",),
    "art_gallery": ("art_gallery",),
    "arts_centre": ("cultural_center", "art_studio"),
    "car_parts": ("auto_parts_store",),
    "bakery": ("bakery", "bagel_shop"),
    "bank": ("bank",),
    "bar": ("bar", "wine_bar"),
    "pub": ("pub", "bar"),
    "beauty_salon": ("beauty_salon", "skin_care_clinic", "makeup_artist"),
    "bicycle": ("bicycle_store",),
    "books": ("book_store",),
    "bowling_alley": ("bowling_alley",),
    "brewery": ("brewery",),
    "butcher": ("butcher_shop",),
    "cafe": ("cafe", "coffee_shop", "tea_house"),
    "camp_site": ("campground", "rv_park"),
    "canteen": ("cafeteria",),
    "car_dealer": ("car_dealer",),
    "car_rental": ("car_rental",),
    "car_repair": ("car_repair",),
    "car_wash": ("car_wash",),
    "casino": ("casino",),
    "caterer": ("catering_service",),
    "chemist_shop": ("drugstore",),
    "chocolate": ("chocolate_shop",),
    "cinema": ("movie_theater",),
    "clinic": ("medical_clinic",),
    "clothes": ("clothing_store",),
    "community_centre": ("community_center",),
    "consulting": ("consultant",),
    "convenience": ("convenience_store",),
    "courier": ("courier_service",),
    "courthouse": ("courthouse",),
    "deli": ("deli",),
    "dentist": ("dentist", "dental_clinic"),
    "department_store": ("department_store",),
    "diy": ("home_improvement_store",),
    "doctor": ("doctor", "medical_clinic"),
    "electrician": ("electrician",),
    "electronics": ("electronics_store",),
    "embassy": ("embassy",),
    "employment_agency": ("employment_agency",),
    "events_venue": ("event_venue", "banquet_hall", "wedding_venue"),
    "fast_food": ("fast_food_restaurant",),
    "fire_station": ("fire_station",),
    "florist": ("florist",),
    "fuel": ("gas_station",),
    "funeral_directors": ("funeral_home",),
    "furniture": ("furniture_store",),
    "garden_centre": ("garden_center",),
    "gift": ("gift_shop",),
    "golf": ("golf_course",),
    "greengrocer": ("grocery_store",),
    "guest_house": ("guest_house", "bed_and_breakfast"),
    "gym": ("gym", "fitness_center"),
    "hairdresser": ("hair_salon", "hair_care", "barber_shop"),
    "hardware": ("hardware_store",),
    "hospital": ("hospital",),
    "hostel": ("hostel",),
    "hotel": ("hotel", "lodging"),
    "houseware": ("home_goods_store",),
    "ice_cream": ("ice_cream_shop",),
    "insurance": ("insurance_agency",),
    "jewelry": ("jewelry_store",),
    "kindergarten": ("preschool", "child_care_agency"),
    "laundry": ("laundry",),
    "dry_cleaning": ("laundry",),
    "lawyer": ("lawyer",),
    "library": ("library",),
    "locksmith": ("locksmith",),
    "mall": ("shopping_mall",),
    "marina": ("marina",),
    "marketplace": ("market",),
    "massage": ("massage",),
    "medical_laboratory": ("medical_lab",),
    "mobile_phone": ("cell_phone_store",),
    "motel": ("motel",),
    "moving_company": ("moving_company",),
    "museum": ("museum",),
    "music_venue": ("concert_hall",),
    "nail_salon": ("nail_salon",),
    "nightclub": ("night_club",),
    "optician": ("optician",),
    "painter": ("painter",),
    "pastry": ("dessert_shop", "confectionery"),
    "confectionery": ("candy_store", "confectionery"),
    "pet": ("pet_store",),
    "pharmacy": ("pharmacy", "drugstore"),
    "physiotherapist": ("physiotherapist",),
    "place_of_worship": ("church", "mosque", "synagogue", "hindu_temple"),
    "plumber": ("plumber",),
    "police": ("police",),
    "post_office": ("post_office",),
    "restaurant": ("restaurant",),
    "roofer": ("roofing_contractor",),
    "sauna": ("sauna",),
    "school": ("school", "primary_school", "secondary_school"),
    "shoes": ("shoe_store",),
    "spa": ("spa", "wellness_center"),
    "sports": ("sporting_goods_store",),
    "sports_centre": ("sports_club", "sports_complex"),
    "stadium": ("stadium",),
    "storage_rental": ("storage",),
    "supermarket": ("supermarket", "grocery_store"),
    "swimming_pool": ("swimming_pool",),
    "tailor": ("tailor",),
    "tanning_salon": ("tanning_studio",),
    "taxi": ("taxi_stand",),
    "telecommunication": ("telecommunications_service_provider",),
    "theatre": ("performing_arts_theater", "opera_house", "comedy_club"),
    "theme_park": ("amusement_park",),
    "townhall": ("city_hall", "local_government_office"),
    "government": ("local_government_office",),
    "travel_agency": ("travel_agency",),
    "university": ("university",),
    "variety_store": ("discount_store",),
    "veterinary": ("veterinary_care",),
    "water_park": ("water_park",),
    "wholesale": ("wholesaler",),
    "winery": ("winery",),
    "yoga": ("yoga_studio",),
    "zoo": ("zoo",),
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
