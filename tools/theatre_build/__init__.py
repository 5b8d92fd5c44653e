"""Pieces of the theatre map build (`tools/build_theatre.py`): numpy and the standard library only.

- `geojson`: reading the reference GeoJSON and point-in-polygon tests;
- `dem`: the GLOBE elevation grid, hex statistics, depression filling and flow directions;
- `rivers`: river lines (Natural Earth and traced from the DEM) and the hex sides they cross;
- `routes`: roads and railways as hex paths;
- `terrain`: the terrain classes;
- `output`: the byte-for-byte reproducible writers for map.npz and map.toml.
"""
