# Two stages on Debian 12: build with the same scripts CI uses, run from a slim image holding only
# the binary and the shared libraries it links.
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/install_deps.sh scripts/install_deps.sh
RUN bash scripts/install_deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN TRAILBOX_TESTS=OFF BUILD_TYPE=Release BUILD_DIR=/build bash scripts/build.sh \
 && strip /build/server/trailbox

FROM debian:bookworm-slim
COPY scripts/install_deps.sh /usr/local/lib/trailbox/install_deps.sh
RUN bash /usr/local/lib/trailbox/install_deps.sh --runtime && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data trailbox && mkdir -p /data && chown trailbox /data
COPY --from=build /build/server/trailbox /usr/local/bin/trailbox
USER trailbox
WORKDIR /data
# Inside a container the server must listen on every interface; everything else keeps its
# defaults and can be changed with TRAILBOX_* variables (see README).
ENV TRAILBOX_HOST=0.0.0.0 \
    TRAILBOX_PORT=4566 \
    TRAILBOX_DB=/data/trailbox.db
VOLUME ["/data"]
EXPOSE 4566
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${TRAILBOX_PORT}/_trailbox/health" >/dev/null || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/trailbox"]
