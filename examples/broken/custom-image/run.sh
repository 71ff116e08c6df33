#!/bin/bash
cd /home/app
gunicorn -w 2 -b 127.0.0.1:8000 app:application > /var/log/model.log 2>&1
