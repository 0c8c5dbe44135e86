# escape=`
ARG TAG="12.6.3-runtime-ubuntu24.04"
FROM `
  nvidia/cuda:${TAG}
