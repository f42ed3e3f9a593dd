# syntax=docker/dockerfile:1
# wxsuite images for users with a Docker engine (or BuildKit, Podman, Kaniko):
#   docker build -t wxsuite .                        # the API server, entrypoint /wxsuite
#   docker build --target wxsandbox -t wxsandbox .   # the WeChat emulator, entrypoint /wxsandbox
# Static, CGO-free binaries on distroless static (CA certificates, tzdata, /etc/passwd),
# running as nonroot 65532:65532 with no shell. Without a Docker engine, the same image
# comes from deploy/image or ko (.ci/image, docs/deployment.md).

ARG GO_VERSION=1.26.8

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
ARG TARGETOS=linux
ARG TARGETARCH
WORKDIR /src
# Dependencies first, so source edits reuse the module download layer.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/ ./cmd/wxsuite ./cmd/wxsandbox

FROM gcr.io/distroless/static-debian12:nonroot AS wxsandbox
LABEL org.opencontainers.image.source="https://github.com/wxsuite/wxsuite" \
      org.opencontainers.image.title="wxsandbox"
COPY --from=build /out/wxsandbox /wxsandbox
USER 65532:65532
EXPOSE 8081
ENTRYPOINT ["/wxsandbox"]

# The default target (last stage): the wxsuite server.
FROM gcr.io/distroless/static-debian12:nonroot AS wxsuite
LABEL org.opencontainers.image.source="https://github.com/wxsuite/wxsuite" \
      org.opencontainers.image.title="wxsuite"
COPY --from=build /out/wxsuite /wxsuite
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/wxsuite"]
