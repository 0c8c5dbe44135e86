FROM python:3.11-slim-bookworm
RUN <<EOT
cat > /tmp/Dockerfile.inner
FROM scratch
EOT
