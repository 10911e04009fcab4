"""The ``Registry`` client: link, promote, list and pull model versions over the server's HTTP API."""

from __future__ import annotations

import http.client
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional

from . import transfer
from .errors import RegistryError, UnauthenticatedError, error_for

_REF = re.compile(r"^([^/:\s]+)/([^/:\s]+)(?::([^/:\s]+))?$")
_PARALLEL = 4


@dataclass(frozen=True)
class ModelVersion:
    """A version as the server describes it: ``full_name`` is ``registry/model:vN``."""

    full_name: str
    name: str
    aliases: List[str] = field(default_factory=list)
    metrics: Dict[str, Any] = field(default_factory=dict)
    tags: List[str] = field(default_factory=list)
    digest: Optional[str] = None
    size_bytes: Optional[int] = None
    created_at: Optional[str] = None
    #: False when the link answered an existing version (idempotency replay or ``dedupe``).
    created: bool = True


class _DropAuthOnOtherHost(urllib.request.HTTPRedirectHandler):
    """Follows a presigned redirect without the bearer token: the URL carries its own signature."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urllib.parse.urlsplit(newurl).netloc != urllib.parse.urlsplit(req.full_url).netloc:
            new.remove_header("Authorization")
        return new


def _cli_settings() -> Dict[str, str]:
    """What ``model-registry login`` saved, if anything (the same file the CLI reads)."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if not base:
        if sys.platform == "win32":
            base = os.environ.get("APPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Roaming")
        elif sys.platform == "darwin":
            base = os.path.join(os.path.expanduser("~"), "Library", "Application Support")
        else:
            base = os.path.join(os.path.expanduser("~"), ".config")
    try:
        with open(os.path.join(base, "model-registry", "config.json"), encoding="utf-8") as f:
            saved = json.load(f)
        return saved if isinstance(saved, dict) else {}
    except (OSError, ValueError):
        return {}


def _split_ref(ref: str, need_version: bool) -> List[str]:
    m = _REF.match(ref)
    if not m or (need_version and not m.group(3)):
        shape = "REGISTRY/MODEL:REF (e.g. vision/MNIST:production)" if need_version else "REGISTRY/MODEL"
        raise RegistryError(f'"{ref}" is not {shape}', "BAD_USER_INPUT")
    return [m.group(1), m.group(2), m.group(3) or "latest"]


class Registry:
    """A connection to a model registry server.

    ``url`` and ``token`` default to ``MODEL_REGISTRY_URL`` and ``MODEL_REGISTRY_TOKEN``, then to
    what ``model-registry login`` saved. Every method raises a :class:`RegistryError` subclass
    carrying the server's code on failure.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 300.0) -> None:
        saved = _cli_settings()
        url = url or os.environ.get("MODEL_REGISTRY_URL") or saved.get("server")
        if not url:
            raise RegistryError("no server: pass Registry(url) or set MODEL_REGISTRY_URL", "BAD_USER_INPUT")
        self.url = re.sub(r"/(graphql)?/?$", "", url)
        self.token = token or os.environ.get("MODEL_REGISTRY_TOKEN") or saved.get("token")
        if not self.token:
            raise UnauthenticatedError("no token: pass Registry(url, token=...) or set MODEL_REGISTRY_TOKEN")
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_DropAuthOnOtherHost())

    # -- the model workflow ------------------------------------------------------------------

    def link_model(
        self,
        path: str,
        registered_model_name: str,
        registry: str,
        aliases: Optional[List[str]] = None,
        metrics: Optional[Dict[str, float]] = None,
        tags: Optional[List[str]] = None,
        description: Optional[str] = None,
        run: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        dedupe: bool = False,
    ) -> ModelVersion:
        """Uploads the file (or a directory's files) the server lacks and links them as a new version
        of ``registry/registered_model_name`` (created on its first link). Answers the version."""
        files = []
        for source, name in transfer.list_files(path):
            digest, size = transfer.hash_file(source)
            files.append({"source": source, "path": name, "digest": digest, "sizeBytes": size})
        distinct = list({f["digest"]: f for f in files}.values())
        with ThreadPoolExecutor(_PARALLEL) as pool:
            missing = [f for f, has in zip(distinct, pool.map(lambda f: self._has_blob(registry, f), distinct)) if not has]
            list(pool.map(lambda f: self._upload(registry, f), missing))
        data = self._graphql(
            """mutation($i: LinkModelVersionInput!) { linkModelVersion(input: $i) {
                 created version { fullName name aliases metrics tags createdAt artifact { digest sizeBytes } } } }""",
            {
                "i": {
                    "registry": registry,
                    "model": registered_model_name,
                    "artifact": {"files": [{k: f[k] for k in ("path", "digest", "sizeBytes")} for f in files]},
                    "aliases": aliases,
                    "metrics": metrics,
                    "tags": tags,
                    "description": description,
                    "run": run,
                    "idempotencyKey": idempotency_key,
                    "dedupe": dedupe,
                }
            },
        )["linkModelVersion"]
        return _version(data["version"], created=data["created"])

    def use_model(self, ref: str, root: Optional[str] = None) -> str:
        """Downloads the files of ``registry/model:ref`` (``v3``, ``latest`` or an alias) into ``root``
        (default ``./MODEL-vN``), verifying each digest, and answers the directory.

        Each file is written to ``<name>.part`` and renamed only once verified; a ``.part`` left by an
        interrupted download is resumed with ``Range``; files already in place are not fetched again."""
        registry, model, version_ref = _split_ref(ref, need_version=True)
        v = self._graphql(
            """query($r: String!, $m: String!, $ref: String!) { modelVersion(registry: $r, model: $m, ref: $ref) {
                 fullName name artifact { uri } files { path digest sizeBytes downloadUrl } } }""",
            {"r": registry, "m": model, "ref": version_ref},
        )["modelVersion"]
        if v is None:
            raise error_for("NOT_FOUND", f"{ref} does not exist")
        held = [f for f in v["files"] if f.get("downloadUrl")]
        if not held:
            raise error_for("NOT_FOUND", f"{v['fullName']} is stored outside the registry, at {v['artifact']['uri']}")
        directory = root or f"{model}-{v['name']}"
        with ThreadPoolExecutor(_PARALLEL) as pool:
            list(pool.map(lambda f: self._download(f, directory), held))
        return directory

    def set_alias(
        self, model: str, alias: str, version: str, expected: Optional[str] = None, reason: Optional[str] = None
    ) -> bool:
        """Points ``alias`` of ``registry/model`` at ``version`` (``v3`` or another alias). With
        ``expected``, raises ConflictError unless the alias points there now. Answers whether it moved."""
        registry, name, _ = _split_ref(model, need_version=False)
        return bool(
            self._graphql(
                "mutation($i: SetAliasInput!) { setAlias(input: $i) { changed } }",
                {"i": {"registry": registry, "model": name, "alias": alias, "version": version,
                       "expectedVersion": expected, "reason": reason}},
            )["setAlias"]["changed"]
        )

    def versions(self, model: str, order_by: Optional[str] = None) -> List[ModelVersion]:
        """The versions of ``registry/model``, newest first, or best first by the metric ``order_by``."""
        registry, name, _ = _split_ref(model, need_version=False)
        order = {"field": "METRIC", "metric": order_by, "direction": "DESC"} if order_by else None
        found: List[ModelVersion] = []
        after: Optional[str] = None
        while True:
            page = self._graphql(
                """query($r: String!, $m: String!, $o: VersionOrder, $a: String) { model(registry: $r, name: $m) {
                     versions(first: 100, after: $a, orderBy: $o) { pageInfo { hasNextPage endCursor }
                       edges { node { fullName name aliases metrics tags createdAt artifact { digest sizeBytes } } } } } }""",
                {"r": registry, "m": name, "o": order, "a": after},
            )["model"]
            if page is None:
                raise error_for("NOT_FOUND", f"{model} does not exist")
            page = page["versions"]
            found += [_version(e["node"]) for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]

    def lineage(self, ref: str, depth: int = 3) -> Dict[str, Any]:
        """The lineage graph around ``registry/model:ref``: ``nodes``, ``edges``, ``mermaid``, ``truncated``."""
        registry, model, version_ref = _split_ref(ref, need_version=False)
        v = self._graphql(
            """query($r: String!, $m: String!, $ref: String!, $d: Int) { modelVersion(registry: $r, model: $m, ref: $ref) {
                 lineage(depth: $d) { truncated mermaid root { id } nodes { id kind name redacted } edges { from to kind } } } }""",
            {"r": registry, "m": model, "ref": version_ref, "d": depth},
        )["modelVersion"]
        if v is None:
            raise error_for("NOT_FOUND", f"{ref} does not exist")
        return v["lineage"]

    # -- HTTP ----------------------------------------------------------------------------------

    def _graphql(self, query: str, variables: Dict[str, Any]) -> Dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables}).encode()
        with self._open("POST", "/graphql", body, {"Content-Type": "application/json"}) as res:
            try:
                answer = json.load(res)
            except (OSError, http.client.HTTPException, ValueError) as err:
                raise RegistryError(f"{self.url} broke off its answer ({type(err).__name__}: {err}); try again") from None
        errors = answer.get("errors")
        if errors:
            first = errors[0]
            raise error_for((first.get("extensions") or {}).get("code"), first.get("message", "error"))
        return answer["data"]

    def _open(self, method: str, url: str, body: Any = None, headers: Optional[Dict[str, str]] = None):  # type: ignore[no-untyped-def]
        req = urllib.request.Request(urllib.parse.urljoin(self.url + "/", url.lstrip("/")), data=body, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            return self._opener.open(req, timeout=self.timeout)
        except urllib.error.HTTPError as err:
            raise _http_error(err) from None
        except urllib.error.URLError as err:
            raise RegistryError(f"could not reach {self.url} ({err.reason}); is the server running?") from None
        except (OSError, http.client.HTTPException) as err:  # a timeout or reset while awaiting the answer
            raise RegistryError(f"{self.url} did not answer ({type(err).__name__}: {err}); try again") from None

    def _blob_url(self, registry: str, digest: str) -> str:
        return f"/v1/registries/{urllib.parse.quote(registry, safe='')}/blobs/{digest}"

    def _has_blob(self, registry: str, f: Dict[str, Any]) -> bool:
        try:
            with self._open("HEAD", self._blob_url(registry, f["digest"])):
                return True
        except RegistryError as err:
            if err.status == 404:
                return False
            raise

    def _upload(self, registry: str, f: Dict[str, Any]) -> None:
        with open(f["source"], "rb") as body:
            headers = {"Content-Type": "application/octet-stream", "Content-Length": str(f["sizeBytes"])}
            with self._open("PUT", self._blob_url(registry, f["digest"]), body, headers) as res:
                res.read()

    def _download(self, f: Dict[str, Any], root: str) -> None:
        target = transfer.target_path(root, f["path"])
        if os.path.isfile(target) and transfer.hash_file(target) == (f["digest"], f["sizeBytes"]):
            return
        os.makedirs(os.path.dirname(target), exist_ok=True)
        part = target + ".part"
        if not (os.path.exists(part) and os.path.getsize(part) == f["sizeBytes"]):
            self._fetch_part(f, part)
        have = os.path.getsize(part)
        if have < f["sizeBytes"]:
            # Fewer bytes than the server listed: the connection ended early. Keep them for a resume.
            raise transfer.interrupted(f["path"], f"{have} of {f['sizeBytes']} bytes")
        transfer.verified_or_removed(part, f["digest"], f["sizeBytes"], f["path"])
        os.replace(part, target)

    def _fetch_part(self, f: Dict[str, Any], part: str) -> None:
        """Brings ``part`` towards the whole file: continues it with a range, or starts over."""
        have = os.path.getsize(part) if os.path.exists(part) else 0
        headers = transfer.resume_headers(part, f["digest"], f["sizeBytes"])
        with self._open("GET", f["downloadUrl"], None, headers) as res:
            resumed = res.status == 206 and "Range" in headers
            if resumed and transfer.range_start(res.headers.get("Content-Range")) != have:
                restart = True  # a range that does not continue the .part would splice in foreign bytes
            else:
                restart = False
                # 206 continues the .part; 200 is the whole file (entity changed, no range): start over.
                received = transfer.stream_to(part, _chunks(res), resumed, f["path"])
                announced = res.headers.get("Content-Length")
                if announced is not None and announced.isdigit() and received < int(announced):
                    raise transfer.interrupted(f["path"], f"{received} of {announced} bytes of the response")
        if restart:
            os.remove(part)
            self._fetch_part(f, part)


def _chunks(res: Any) -> Iterator[bytes]:
    return iter(lambda: res.read(transfer.CHUNK), b"")


def _http_error(err: urllib.error.HTTPError) -> RegistryError:
    try:
        body = json.loads(err.read() or b"{}")
    except ValueError:
        body = {}
    problem = body.get("error") or {}
    if not problem and body.get("errors"):  # a GraphQL answer with a non-200 status
        first = body["errors"][0]
        problem = {"code": (first.get("extensions") or {}).get("code"), "message": first.get("message")}
    return error_for(problem.get("code"), problem.get("message") or f"HTTP {err.code}", err.code)


def _version(v: Dict[str, Any], created: bool = True) -> ModelVersion:
    artifact = v.get("artifact") or {}
    return ModelVersion(
        full_name=v["fullName"],
        name=v["name"],
        aliases=list(v.get("aliases") or []),
        metrics=dict(v.get("metrics") or {}),
        tags=list(v.get("tags") or []),
        digest=artifact.get("digest"),
        size_bytes=artifact.get("sizeBytes"),
        created_at=v.get("createdAt"),
        created=created,
    )
