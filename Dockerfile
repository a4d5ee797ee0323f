# The runner with its deck: `docker compose up`, then open http://127.0.0.1:8000.
#
# reveal.js comes from npm in a Node stage (without the tests' dev dependencies);
# only its installed files reach the runner image, which needs no Node at run time.
# The deck is built at image build, so the container serves at once; `talk serve`
# rebuilds it if a source is newer.

FROM node:22-slim AS reveal
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# The package first, so a change to a slide does not reinstall the dependencies.
COPY pyproject.toml README.md ./
COPY runner ./runner
COPY demos ./demos
# Editable: the runner finds slides/, assets/ and node_modules/ beside its own source.
RUN pip install -e .
COPY --from=reveal /app/node_modules ./node_modules
COPY slides ./slides
COPY assets ./assets
RUN useradd --create-home --uid 1000 talk \
    && mkdir build && talk build && chown -R talk:talk build
USER talk
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=2)"]
CMD ["talk", "serve", "--host", "0.0.0.0", "--no-browser"]
