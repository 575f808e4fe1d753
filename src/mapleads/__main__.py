from mapleads.cli import run

run()
