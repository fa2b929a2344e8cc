"""The docker target: build the rendered context with the Docker SDK and run one container.

Build goes through the low-level ``APIClient.build`` stream (``network_mode="host"``, because
build steps need the package mirror and there may be no bridge), each line shown live; the
container gets parity's labels so ``down``/``status`` find it by label, never by name pattern.

Networking (see docs/up.md): ``host`` by default, so the spec's ports are real ports on the
developer's machine (``curl localhost:8080`` works) and a taken port is caught before building;
``none`` isolates the container completely (ports still listen inside it, which drift checks see).
"""

from __future__ import annotations

import contextlib
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parity import labels
from parity.errors import EnvironmentError_, UsageError
from parity.spec import Spec
from parity.sysctls import container_sysctls
from parity.textsafe import quoted
from parity.up import applied, docker_inplace, readiness
from parity.up import ports as portcheck
from parity.up.base import BuildSteps, Driver, Request, env_labels, is_ours
from parity.up.decision import Decision, Observed
from parity.up.display import Display
from parity.up.dockerclient import connect, endpoint, parse_docker_time
from parity.up.inplace import Plan

if TYPE_CHECKING:
    from docker.models.containers import Container

#: a name that is both a Docker container name and, lower-cased, the repository part of the
#: image tag ``up`` derives from it (``NAME:dev``): alphanumeric runs joined by one ``.``, one or
#: two ``_``, or dashes (Docker's reference grammar); the container name needs two characters
_NAME = re.compile(r"^(?=.{2,128}$)[a-zA-Z0-9]+(?:(?:[._]|__|-+)[a-zA-Z0-9]+)*$")
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.MULTILINE)
def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(f"{quoted(name)} cannot name a docker environment: it is not a valid "
                         "container name, or not valid in the image tag NAME:dev parity gives it",
                         hint="Pass --name with 2 to 128 letters and digits, joined by single '.' "
                              "or '_' or by '-' (e.g. shop-dev), starting and ending with a "
                              "letter or digit. Without --name the name is <spec name>-dev.")
    return name


def image_tag(spec: Spec, name: str) -> str:
    """The tag ``up`` builds: ``targets.docker.image`` (or ``<spec name>:dev``) for the default
    environment, ``<name>:dev`` for one named with ``--name``.

    A second environment of the same spec gets its own tag, so two of them never fight over one
    tag and ``down`` of one never removes the other's image.
    """
    if name == f"{spec.name}-dev":
        return spec.model.targets.docker.image or f"{spec.name.lower()}:dev"
    return f"{name.lower()}:dev"


def base_images(dockerfile: str) -> list[str]:
    """Images the Dockerfile builds ``FROM`` (build stages it names itself excluded)."""
    stages: set[str] = set()
    bases: list[str] = []
    for match in _FROM.finditer(dockerfile):
        ref, alias = match.group(1), match.group(2)
        if ref.lower() not in stages and ref.lower() != "scratch" and ref not in bases:
            bases.append(ref)
        if alias:
            stages.add(alias.lower())
    return bases


def check_base_images(client: Any, dockerfile: Path, spec: Spec) -> None:
    """Every ``FROM`` image must be here: parity never pulls (and here nothing can be).

    Shared with the vagrant target, whose docker provider would otherwise try a pull and fail
    deep inside Vagrant's output.
    """
    from docker.errors import ImageNotFound, NotFound

    for ref in base_images(dockerfile.read_text(encoding="utf-8")):
        try:
            client.images.get(ref)
        except (ImageNotFound, NotFound):
            raise EnvironmentError_(
                f"The base image {ref} is not in the local Docker Engine, and parity does not "
                "pull images; nothing was built.",
                hint=f"Pull it where a registry is reachable (`docker pull {ref}`), or build "
                     f"it offline (see README, \"Base images\"): {_offline_base(spec, ref)}.",
            ) from None


class DockerDriver(Driver):
    target = "docker"
    in_place = True

    def __init__(self, display: Display) -> None:
        super().__init__(display)
        self.client = connect()
        self.steps = BuildSteps()
        #: the in-place record last read of each container (by id), for apply_in_place
        self.records: dict[str, applied.Record | bool | None] = {}

    def build_summary(self) -> str | None:
        return self.steps.summary()

    # -- looking -------------------------------------------------------------------------------
    def default_name(self, spec: Spec) -> str:
        return f"{spec.name}-dev"

    def lock_keys(self, spec: Spec, name: str) -> list[str]:
        """The container name and the image tag on this daemon: both are machine-wide, so two
        checkouts of one spec (or two specs whose names map to one tag) meet there."""
        daemon = endpoint()[0]
        return [f"docker {daemon} container {check_name(name)}",
                f"docker {daemon} image {image_tag(spec, name)}"]

    def observe(self, spec: Spec, name: str) -> Observed | None:
        from docker.errors import NotFound

        try:
            container = self.client.containers.get(check_name(name))
        except NotFound:
            return None
        return self._observed(container, spec)

    def list(self, spec: Spec) -> list[Observed]:
        found = self.client.containers.list(all=True, filters={"label": [
            f"{labels.MANAGED}=1", f"{labels.SPEC_PATH}={spec.path.resolve()}",
            f"{labels.TARGET}={self.target}"]})
        return sorted((self._observed(c, spec) for c in found), key=lambda o: o.name)

    def _observed(self, container: Container, spec: Spec,
                  record: applied.Record | bool | None = None, *, read: bool = True,
                  ) -> Observed:
        """What ``container`` is; ``read`` looks for its in-place record (else ``record`` is
        taken as it), which is kept for :meth:`apply_in_place`."""
        found = container.labels or {}
        state = container.attrs.get("State", {})
        built = found.get(labels.SPEC_SHA256)
        managed = is_ours(found, spec, self.target)
        if read:
            # the environment says itself which spec it reflects once updated in place
            record = docker_inplace.read_record(container) if managed else None
        self.records[container.id] = record
        current = built
        incomplete = record is False or (isinstance(record, applied.Record)
                                         and not record.complete)
        if incomplete:
            current = None
        elif isinstance(record, applied.Record):
            current = record.spec_sha256
        return Observed(
            target=self.target, name=container.name, running=container.status == "running",
            spec_sha256=current, url=f"docker://{container.name}",
            started_at=parse_docker_time(state.get("StartedAt")), ident=container.id,
            image=container.attrs.get("Image"), managed=managed,
            state=container.status,
            network=container.attrs.get("HostConfig", {}).get("NetworkMode"),
            built_sha256=built,
            in_place=len(record.changes) if isinstance(record, applied.Record) else 0,
            incomplete=incomplete,
        )

    # -- acting --------------------------------------------------------------------------------
    def bring_up(self, request: Request, decision: Decision, observed: Observed | None,
                 ) -> Observed:
        spec, name = request.spec, check_name(request.name)
        tag = image_tag(spec, name)
        self._check_bases(request.out_dir, spec)
        if request.network == "host" and observed is None:
            self._check_ports(spec)
        built: str | None = None
        replaced: Any = None
        container: Container | None = None
        try:
            if decision is Decision.ABSENT and self._image_sha(tag) == spec.sha256:
                self.display.phase(f"image {tag} is already built from this spec; not rebuilding")
            else:
                replaced = self._check_tag_free(tag, observed)
                built = self._build(request, tag)
            if observed is not None:
                self.display.phase(f"replacing container {observed.name}")
                self._remove_container(observed.ident or observed.name)
                if request.network == "host":
                    self._check_ports(spec)
            self.display.phase(f"starting container {name} (network {request.network})")
            container = self._run(request, tag)
            self._wait_ready(container, spec)
            container.reload()
            if replaced is not None and replaced.id != built and is_ours(
                    replaced.labels, spec, self.target):
                # the tag moved off an older build of this environment (kept by `down
                # --keep-image`, then the spec changed): it would stay behind dangling
                self._remove_unused_image(replaced.id)
            return self._observed(container, spec)
        except BaseException:
            self._cleanup(container, built, tag)
            raise
        finally:
            if built and observed is not None and observed.image and observed.image != built:
                self._remove_unused_image(observed.image)

    def apply_in_place(self, request: Request, plan: Plan, observed: Observed,
                       ) -> tuple[Observed, bool]:
        """Run ``plan``'s phases in the running container (see :mod:`parity.up.inplace`), then
        restart it when they changed anything under /etc, so its services start with that
        configuration as in a clean build; the record inside says it all happened."""
        from docker.errors import NotFound

        try:
            container = self.client.containers.get(observed.ident or observed.name)
        except NotFound:
            raise EnvironmentError_(f"container {observed.name} disappeared during `parity up`",
                                    hint="Run `parity up` again.") from None
        found = self.records.get(container.id)
        base = found if isinstance(found, applied.Record) else applied.fresh(
            observed.built_sha256 or "")
        record = base.begin(request.spec.sha256, list(plan.phases))
        what = ", ".join(plan.phases) if plan.phases else "no phase (nothing reaches it)"
        self.display.phase(f"updating container {observed.name} in place: {what}")
        restart = docker_inplace.apply(container, request.out_dir, list(plan.phases), record,
                                       self.display)
        if restart:
            self.display.phase(f"restarting container {observed.name}: /etc changed, so its "
                               "services start again with it, as in a clean build")
            container.restart(timeout=30)
            container.reload()
            self._wait_ready(container, request.spec,
                             since=parse_docker_time(container.attrs["State"]["StartedAt"]))
        done = record.finish(restart)
        docker_inplace.write_record(container, done)
        container.reload()
        return self._observed(container, request.spec, done, read=False), restart

    def start(self, spec: Spec, observed: Observed) -> Observed:
        """Start the stopped container as it is (no build); with host networking its ports are
        checked first, as for a new one, and a container that stops at once is an error."""
        from docker.errors import APIError

        self.display.phase(f"starting stopped container {observed.name}")
        container = self.client.containers.get(observed.ident or observed.name)
        if container.attrs.get("HostConfig", {}).get("NetworkMode") == "host":
            self._check_ports(spec, started="started")
        try:
            container.start()
        except APIError as exc:
            raise _api_error("start the container", exc) from None
        container.reload()
        if container.status != "running":
            raise EnvironmentError_(
                f"container {container.name} stopped right after starting again "
                f"(status {container.status}).\n" + readiness.log_tail(container),
                hint="Fix the cause shown above, or recreate the environment with "
                     "`parity up --rebuild`.",
            )
        return Observed(**{**observed.__dict__, "running": container.status == "running",
                           "started_at": parse_docker_time(container.attrs["State"]["StartedAt"]),
                           "state": container.status})

    def down(self, spec: Spec, name: str, *, keep_image: bool = False) -> list[str]:
        check_name(name)
        removed: list[str] = []
        images: list[str] = []
        for env in self.list(spec):
            if env.name == name:
                self._remove_container(env.ident or env.name)
                removed.append(f"container {env.name} ({(env.ident or '')[:12]})")
                if env.image:
                    images.append(env.image)
        if keep_image:
            return removed
        # the tagged image, and the one the container ran from if the tag no longer points at it
        # (moved by an older parity, or by hand): ``down`` must not leave it dangling
        tag = image_tag(spec, name)
        tagged = self._image(tag)
        found = [tagged] if tagged is not None else []
        found += [image for image in (self._image(i) for i in images)
                  if image is not None and (tagged is None or image.id != tagged.id)]
        for image in found:
            if not is_ours(image.labels, spec, self.target):
                continue
            if self._remove_unused_image(image.id, warn=True):
                shown = tag if tagged is not None and image.id == tagged.id else "untagged"
                removed.append(f"image {shown} ({image.short_id.removeprefix('sha256:')})")
        return removed

    # -- steps ---------------------------------------------------------------------------------
    def _check_bases(self, out_dir: Path, spec: Spec) -> None:
        check_base_images(self.client, out_dir / "Dockerfile", spec)

    def _check_ports(self, spec: Spec, started: str = "built or started") -> None:
        busy = portcheck.taken(spec.ports)
        if busy:
            keys = ", ".join(p.key for p in busy)
            raise EnvironmentError_(
                f"Port {keys} {'is' if len(busy) == 1 else 'are'} already in use on this machine, "
                f"and the environment runs with host networking so its services need "
                f"{'it' if len(busy) == 1 else 'them'}; nothing was {started}.",
                hint="Stop whatever listens there (`ss -ltnup` shows it), or run the environment "
                     "isolated with `parity up --network none`.",
            )

    def _image(self, ref: str) -> Any:
        from docker.errors import ImageNotFound, NotFound

        try:
            return self.client.images.get(ref)
        except (ImageNotFound, NotFound):
            return None

    def _image_sha(self, tag: str) -> str | None:
        image = self._image(tag)
        return (image.labels or {}).get(labels.SPEC_SHA256) if image is not None else None

    def _build(self, request: Request, tag: str) -> str:
        """Stream ``docker build``; return the image id. A failing step raises with its output."""
        self.display.phase(f"building image {tag} from {request.out_dir}")
        image_id: str | None = None
        step = ""
        started = datetime.now(UTC) - timedelta(seconds=2)  # allow for clock rounding
        stream = self.client.api.build(
            path=str(request.out_dir), tag=tag, decode=True, network_mode="host", rm=True,
            forcerm=True, pull=False, labels=env_labels(request.spec, self.target),
            nocache=request.no_cache,
        )
        self.steps = BuildSteps()
        try:
            for chunk in stream:
                if "stream" in chunk:
                    text = chunk["stream"]
                    if text.startswith("Step "):
                        step = text.strip()
                    self.steps.feed(text)
                    self.display.line(text)
                elif "status" in chunk:
                    self.display.line(" ".join(str(chunk[k]) for k in ("status", "progress")
                                               if chunk.get(k)))
                elif "aux" in chunk and isinstance(chunk["aux"], dict) and "ID" in chunk["aux"]:
                    image_id = chunk["aux"]["ID"]
                elif "error" in chunk:
                    raise EnvironmentError_(
                        f"docker build of {tag} failed at {step or 'the first step'}: "
                        f"{chunk['error'].strip()}\nLast lines of the build output:\n"
                        f"{self.display.tail_text()}",
                        hint="Fix the failing step and run `parity up` again. A package version "
                             "the distro does not have? Check with `apt-cache policy NAME` in the "
                             "base image. The rendered build context is in "
                             f"{request.out_dir}.",
                    )
        except BaseException:
            # closing the connection makes the daemon cancel the build (and, with forcerm, drop
            # its intermediate containers); otherwise a Ctrl-C'd build would carry on and tag
            self.client.api.close()
            self.client = connect()
            self._remove_partial_build(request.spec, started)
            raise
        if image_id is None:
            image = self._image(tag)
            if image is None:
                raise EnvironmentError_(f"docker build of {tag} ended without an image",
                                        hint=f"Last lines of the build output:\n"
                                             f"{self.display.tail_text()}")
            image_id = image.id
        return image_id

    def _build_containers(self, mark: str, since: datetime) -> list[Container]:
        """Intermediate containers of our build: the hash label, no ``managed`` label (those are
        environments), created after the build started."""
        found = []
        for container in self.client.containers.list(all=True, filters={"label": mark}):
            created = parse_docker_time(container.attrs.get("Created"))
            if labels.MANAGED not in (container.labels or {}) and created and created >= since:
                found.append(container)
        return found

    def _remove_partial_build(self, spec: Spec, since: datetime) -> None:
        """Drop the untagged images a failed or cancelled build of this spec left behind.

        The classic builder keeps an image for every step that succeeded; the last of them shows
        up as a dangling ``<none>`` image. They carry the spec hash (a ``LABEL`` in the rendered
        Dockerfile), so only leftovers of builds of exactly this spec are removed, and only
        dangling ones (no tag, no child) that no container runs from: an environment whose tag
        was moved away runs from a dangling image with the same hash, and keeps it.
        """
        from docker.errors import APIError, NotFound

        mark = f"{labels.SPEC_SHA256}={spec.sha256}"
        deadline = time.monotonic() + 60
        # a cancelled build's RUN container (it carries the hash label too) goes away first;
        # until then the image it runs from cannot be removed
        while time.monotonic() < deadline and self._build_containers(mark, since):
            time.sleep(0.5)
        # the daemon may still commit the step that was ending when the client hung up, a
        # moment after the scan came back empty (seen once in CI): done after two empty scans
        empty_scans = 0
        while time.monotonic() < deadline and empty_scans < 2:
            leftovers = [image for image in self.client.images.list(
                filters={"dangling": True, "label": mark})
                if not self._environment_users(image.id, mark)]
            empty_scans = 0 if leftovers else empty_scans + 1
            for image in leftovers:
                with contextlib.suppress(NotFound, APIError):
                    self.client.images.remove(image.id, force=False)
            time.sleep(0.5 if leftovers else 1.0)

    def _run(self, request: Request, tag: str) -> Container:
        from docker.errors import APIError

        spec = request.spec
        options: dict[str, Any] = {
            "name": request.name, "labels": env_labels(spec, self.target),
            "environment": dict(request.secrets), "network_mode": request.network,
            "detach": True, "stdin_open": False, "tty": False,
        }
        if request.network != "host":
            options["hostname"] = request.name[:63]
        sysctls = container_sysctls(spec.model.sysctl, request.network)
        if sysctls:
            options["sysctls"] = sysctls
        try:
            container = self.client.containers.create(tag, **options)
        except APIError as exc:
            if exc.status_code == 409:
                raise self._name_taken(request) from None
            raise _api_error("create the container", exc) from None
        try:
            _put_secret_files(container, request.secret_files)
            container.start()
        except APIError as exc:
            with contextlib.suppress(Exception):
                container.remove(force=True)
            raise _api_error("start the container", exc) from None
        except BaseException:
            with contextlib.suppress(Exception):
                container.remove(force=True)
            raise
        return container

    def _name_taken(self, request: Request) -> EnvironmentError_:
        """The name was free when ``up`` looked and is taken now: say by whom, truthfully.

        ``up`` holds the environment's lock, so another parity (an older version without the
        lock, or one using another lock directory) or someone else created it meanwhile.
        """
        from docker.errors import NotFound

        try:
            found = self.client.containers.get(request.name).labels or {}
        except NotFound:
            found = {}
        if is_ours(found, request.spec, self.target):
            return EnvironmentError_(
                f"Another `parity up` created the container {request.name} for "
                f"{request.spec.path} while this one was building; it was left as it is.",
                hint="Run `parity up` again: it finds that environment and says whether it is up "
                     "to date. Running two at once is serialised by a lock file; see docs/up.md, "
                     "\"Running two at once\".",
            )
        made = (f"by parity for {found[labels.SPEC_PATH]}" if found.get(labels.MANAGED) == "1"
                and found.get(labels.SPEC_PATH) else "by something other than parity")
        return EnvironmentError_(
            f"A container named {request.name} was created {made} while this `parity up` was "
            f"building; parity leaves it alone.",
            hint="Remove it yourself if it is yours (`docker rm -f NAME`), or choose "
                 "another name with `parity up --name NAME`.",
        )

    def _wait_ready(self, container: Container, spec: Spec,
                    since: datetime | None = None) -> None:
        """:func:`parity.up.readiness.wait_ready`, with this driver's display."""
        readiness.wait_ready(container, spec, self.display, since)

    def empty_files(self, observed: Observed, paths: list[str]) -> list[str] | None:
        """One ``docker exec``: the paths without content (``test -s``), one per line; spec
        paths hold no newline. Only sizes are read, never content."""
        from docker.errors import APIError, NotFound

        if not paths:
            return []
        try:
            container = self.client.containers.get(observed.ident or observed.name)
            found = container.exec_run(
                ["sh", "-c", 'for p do [ -s "$p" ] || printf "%s\\n" "$p"; done', "sh", *paths])
        except (APIError, NotFound):
            return None
        if found.exit_code != 0:
            return None
        listed = set(found.output.decode("utf-8", "replace").splitlines())
        return [p for p in paths if p in listed]

    def _remove_container(self, ident: str) -> None:
        from docker.errors import NotFound

        with contextlib.suppress(NotFound):
            self.client.containers.get(ident).remove(force=True)

    def _users(self, image_id: str) -> list[Container]:
        """Containers (running or not) created from ``image_id`` or from an image built on it."""
        return self.client.containers.list(all=True, filters={"ancestor": image_id})

    def _environment_users(self, image_id: str, mark: str) -> list[Container]:
        """Users of a build leftover that are not the cancelled build's own ``RUN`` containers
        (those go away by themselves; the image is removed once they have)."""
        key, _, sha = mark.partition("=")
        return [c for c in self._users(image_id) if labels.MANAGED in (c.labels or {})
                or (c.labels or {}).get(key) != sha]

    def _remove_unused_image(self, ident: str, *, warn: bool = False) -> bool:
        """Remove an image this parity run made or replaced, unless a container uses it.

        Every clean-up path (failed or cancelled build, replace, ``down``) goes through here:
        an image some environment's container runs from is never untagged or removed, whoever
        made it. The engine refuses too (no ``force``), which covers a container created
        between the check and the removal. Returns True when the image is gone.
        """
        from docker.errors import APIError, NotFound

        try:
            if self._users(ident):
                if warn:
                    self.display.info(f"note: image {ident.removeprefix('sha256:')[:12]} is "
                                      "kept: a container still uses it")
                return False
            self.client.images.remove(ident, force=False)
        except NotFound:
            return True
        except APIError as exc:
            if warn:
                self.display.info(f"warning: could not remove image "
                                  f"{ident.removeprefix('sha256:')[:12]}: "
                                  f"{exc.explanation or exc}")
            return False
        return True

    def _check_tag_free(self, tag: str, observed: Observed | None) -> Any:
        """Refuse to build ``tag`` while it names the image of a container other than the one
        being replaced: the build would move the tag, leaving that container's image untagged
        (a dangling image no ``down`` finds). Happens when two specs map to one tag
        (``--name shop`` next to a spec named ``shop``) or a spec names someone else's image.
        Returns the image the tag names now (None if none), which the build will replace."""
        image = self._image(tag)
        if image is None:
            return None
        users = [c for c in self._users(image.id) if c.attrs.get("Image") == image.id
                 and (observed is None or c.id != observed.ident)]
        if not users:
            return image
        holder = users[0]
        owner = (holder.labels or {}).get(labels.SPEC_PATH)
        whose = (f"the parity environment of {owner}" if owner else
                 "a container parity did not create")
        raise EnvironmentError_(
            f"The image tag {tag} names the image container {holder.name} runs from "
            f"({whose}); building this environment would move the tag away from it, so parity "
            "built nothing.",
            hint="Give this environment another name (`parity up --name NAME`, its image is "
                 "NAME:dev), or another `targets.docker.image` in the spec; or remove that "
                 "container first if it is yours.",
        )

    def _cleanup(self, container: Container | None, built: str | None, tag: str) -> None:
        """Undo this call's work after a failure or Ctrl-C: its container, then its image
        (unless a container uses it: a build fully cached can return another's image)."""
        if container is not None:
            with contextlib.suppress(Exception):
                self._remove_container(container.id)
        if built is not None:
            with contextlib.suppress(Exception):
                self._remove_unused_image(built)


def _put_secret_files(container: Container, files: dict[str, bytes]) -> None:
    """``--secret-file`` bytes into the created, not yet started container (so its services
    start with them), each with the mode, owner and group the image gave the file; through the
    archive API, so they are in this container's layer only, never in the image."""
    import io
    import posixpath
    import tarfile

    for path, data in sorted(files.items()):
        stream, _ = container.get_archive(path)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as found:
            info = found.next()
        if info is None or not info.isfile():
            raise EnvironmentError_(f"--secret-file {path}: the image has no regular file there")
        info.size = len(data)
        packed = io.BytesIO()
        with tarfile.open(fileobj=packed, mode="w") as tar:
            tar.addfile(info, io.BytesIO(data))
        container.put_archive(posixpath.dirname(path), packed.getvalue())


def _offline_base(spec: Spec, ref: str) -> str:
    distro = spec.distro
    if distro.name == "debian" and distro.codename and ref == distro.docker_image:
        return (f"`debootstrap --variant=minbase {distro.codename} /tmp/rootfs && "
                f"tar -C /tmp/rootfs -c . | docker import - {ref}`")
    return f"import a root filesystem of it with `tar -C ROOTFS -c . | docker import - {ref}`"


def _api_error(what: str, exc: Exception) -> EnvironmentError_:
    explanation = getattr(exc, "explanation", None) or str(exc)
    hint = "Check `docker info` and the message above, then run `parity up` again."
    if "address already in use" in str(explanation):
        hint = ("A port the environment needs is taken; stop what holds it (`ss -ltnup`) or use "
                "`parity up --network none`.")
    return EnvironmentError_(f"Docker could not {what}: {explanation}", hint=hint)
