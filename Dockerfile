# syntax=docker/dockerfile:1
# The emulator as a container: a static binary on distroless, as a non-root
# user. internal/e2e builds the binary with this stage's exact flags and
# checks that it is static and that its healthcheck works.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/encord-emulator ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/encord-emulator /encord-emulator
USER nonroot:nonroot
EXPOSE 8080
# Inside a container the server must listen on every interface; the
# healthcheck reads the same variable and probes loopback.
ENV EMULATOR_ADDR=0.0.0.0:8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["/encord-emulator", "healthcheck"]
ENTRYPOINT ["/encord-emulator"]
CMD ["serve"]
