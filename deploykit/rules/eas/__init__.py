"""EAS service JSON rules, by block of ids.

    document.py     check(data): the shape (EAS0xx: unknown, mistyped, missing, legacy keys)
                    and every rule below, all findings at once
    containers.py   EAS1xx: containers, ports, command vs script, prepare, env, health checks
    service.py      EAS2xx: name, metadata, storage, processors, autoscaler, networking
    images.py       EAS2xx: images, their registries and dockerAuth
"""
