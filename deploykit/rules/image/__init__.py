"""Custom-image rules (IMG0xx): a Dockerfile, the run.sh it starts, or an image archive,
against the platforms' custom-image specifications.

    inspection.py   check_image(path): which files to read, which checks apply, the reports
    findings.py     the IMG rules and the platform facts they check, each written once
    target.py       which platform an image is for (and what that platform gives it)
    serving.py      boot file, ports, loopback, logs, keep-alive, user, setuid
    graceful.py     graceful exit on SIGTERM, read from run.sh

The files are read by :mod:`deploykit.images`; these modules only judge what it found.
"""
