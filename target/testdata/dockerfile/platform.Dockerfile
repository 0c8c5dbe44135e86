FROM --platform=$BUILDPLATFORM golang:1.26 AS tools
FROM --platform=linux/arm64 \
     nvcr.io/nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
COPY --from=tools /go/bin /usr/local/bin
