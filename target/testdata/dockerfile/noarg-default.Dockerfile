ARG CUDA
FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04
