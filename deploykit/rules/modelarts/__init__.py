"""ModelArts config.json rules, by part of the file.

    document.py       check(data): the shape (MA0xx) and the top-level fields (model_algorithm,
                      model_type, runtime, port, protocol, swr_location), then the parts below
    apis.py           apis[]: urls, methods, content types, the body JSON Schemas
    dependencies.py   dependencies[].packages[]: installer, restraints, characters
    health.py         health, readiness_health, startup_health
"""
