# syntax=docker/dockerfile:1
ARG CUDA=12.4.1
ARG UBUNTU=22.04

FROM nvidia/cuda:${CUDA}-cudnn-devel-ubuntu${UBUNTU} AS build
RUN pip wheel --no-deps -w /wheels .

FROM nvidia/cuda:${CUDA}-cudnn-runtime-ubuntu${UBUNTU} AS runtime
COPY --from=build /wheels /wheels

FROM runtime
CMD ["python3", "-m", "app"]
