# Sharder images, built from source. `docker build .` gives the silo; `--target simulator` the gateway simulator
# (demo and tests only). The base images are build arguments (docker-compose.yml passes SHARDER_SDK_IMAGE and
# SHARDER_RUNTIME_IMAGE). Without access to Microsoft's registry, use Dockerfile.prebuilt (see its header).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Sharder.Grains.Interfaces/Sharder.Grains.Interfaces.csproj Sharder.Grains.Interfaces/
COPY Sharder.Grains/Sharder.Grains.csproj Sharder.Grains/
COPY Sharder.Silo/Sharder.Silo.csproj Sharder.Silo/
COPY tests/Sharder.Simulator/Sharder.Simulator.csproj tests/Sharder.Simulator/
RUN dotnet restore Sharder.Silo/Sharder.Silo.csproj \
 && dotnet restore tests/Sharder.Simulator/Sharder.Simulator.csproj
COPY Sharder.Grains.Interfaces/ Sharder.Grains.Interfaces/
COPY Sharder.Grains/ Sharder.Grains/
COPY Sharder.Silo/ Sharder.Silo/
COPY tests/Sharder.Simulator/ tests/Sharder.Simulator/
RUN dotnet publish Sharder.Silo/Sharder.Silo.csproj -c Release --no-restore -o /out/silo \
 && dotnet publish tests/Sharder.Simulator/Sharder.Simulator.csproj -c Release --no-restore -o /out/simulator

FROM ${RUNTIME_IMAGE} AS simulator
WORKDIR /app
COPY --from=build /out/simulator ./
USER $APP_UID
ENTRYPOINT ["dotnet", "Sharder.Simulator.dll"]

FROM ${RUNTIME_IMAGE} AS silo
WORKDIR /app
# Kestrel listens on Cluster:HttpPort (SHARDER_HTTP_PORT); the image's default HTTP_PORTS would only add a warning.
# In a container the HTTP port must listen on every interface to be published or probed (outside one the default
# is 127.0.0.1); protect it with SHARDER_HTTP_TOKEN and publish it on a private address only.
# No Orleans client gateway (SHARDER_GATEWAY_PORT unset = off): Sharder never uses it.
ENV ASPNETCORE_HTTP_PORTS="" \
    SHARDER_HTTP_PORT=8080 \
    SHARDER_HTTP_ADDRESS=0.0.0.0
COPY --from=build /out/silo ./
EXPOSE 8080 11111
USER $APP_UID
ENTRYPOINT ["dotnet", "Sharder.Silo.dll"]
