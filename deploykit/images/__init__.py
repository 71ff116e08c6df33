"""Readers of what a custom image is built from and runs, for the image rules and the
converter. They judge nothing: each turns a file into data with line numbers.

    dockerfile.py   a Dockerfile: instructions, stages, ARG/ENV substitution, the final config
    shell.py        run.sh and shell-form commands: simple commands, redirections, traps
    server.py       which server a command starts (gunicorn, uvicorn, flask) and its options
    start.py        the start command (CMD/ENTRYPOINT), followed into run.sh
    archive.py      `docker save` and OCI image archives, read without a Docker daemon
"""
