#!/bin/bash
gunicorn_pid=""

handle_sigterm() {
  sleep 10
  kill -15 "$gunicorn_pid"
  wait "$gunicorn_pid"
}

trap handle_sigterm TERM
gunicorn --chdir /home/app -k gevent --keep-alive 200 --graceful-timeout 120 \
  -b 0.0.0.0:8080 app:application &
gunicorn_pid=$!
wait "$gunicorn_pid"
