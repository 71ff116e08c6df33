#!/bin/bash
# Starts the model server as ModelArts' custom-image specification asks (seeds/000-002):
# logs on standard output, HTTP keep-alive 200 s with gevent workers, and on SIGTERM keep
# serving 60 s before passing SIGTERM on to gunicorn, whose graceful timeout (30 s) ends
# the whole exit within 90 s.
gunicorn_pid=""

handle_sigterm() {
  echo "Received SIGTERM, send SIGTERM to $gunicorn_pid"
  if [ "$gunicorn_pid" != "" ]; then
    sleep "${SIGTERM_WAIT_SECONDS:-60}"
    kill -15 "$gunicorn_pid"  # pass SIGTERM on to gunicorn
    wait "$gunicorn_pid"      # wait until it has finished the requests in flight
  fi
}

trap handle_sigterm TERM

# PORT is 8080 on ModelArts (the image's ENV); the EAS service spec sets it to 8000,
# because the EAS engine itself listens on 8080 and 9090 (seeds/004).
gunicorn --chdir /home/app -w "${GUNICORN_WORKERS:-2}" -k gevent --keep-alive 200 \
  --graceful-timeout 30 -b "0.0.0.0:${PORT:-8080}" --access-logfile - --error-logfile - \
  app:application &
gunicorn_pid=$!
wait "$gunicorn_pid"
