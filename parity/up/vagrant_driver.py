"""The vagrant target: ``vagrant up`` in ``.parity/vagrant/`` through python-vagrant.

Vagrant keeps its machine id in ``.parity/vagrant/.vagrant/machines/default/<provider>/id``; that
file, not a name pattern, is how ``status`` and ``down`` find the environment. With the docker
provider (the one that runs on machines without a hypervisor) the id is a container id, inspected
through the Docker SDK for its state and spec-hash label (inherited from the rendered image).
VirtualBox and libvirt are for laptops: ``up`` validates the Vagrantfile first and reports
Vagrant's own message when the provider cannot run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from parity import labels
from parity.errors import EnvironmentError_
from parity.fsutil import atomic_write
from parity.spec import Spec
from parity.up.base import Driver, Request
from parity.up.decision import Decision, Observed
from parity.up.dockerclient import connect, parse_docker_time
from parity.up.state import State, work_dir

MACHINE = "default"
#: the run-time overlay (build network, secret env) that loads the rendered Vagrantfile
OVERLAY = "Vagrantfile.up"


class VagrantDriver(Driver):
    target = "vagrant"

    # -- looking -------------------------------------------------------------------------------
    def preflight(self) -> None:
        _require_vagrant()

    def default_name(self, spec: Spec) -> str:
        return MACHINE

    def root(self, spec: Spec) -> Path:
        return work_dir(spec.root) / self.target

    def machine(self, spec: Spec) -> tuple[str, str] | None:
        """``(provider, id)`` of the machine Vagrant created in our working folder, if any."""
        machines = self.root(spec) / ".vagrant" / "machines" / MACHINE
        if not machines.is_dir():
            return None
        for provider_dir in sorted(machines.iterdir()):
            id_file = provider_dir / "id"
            if id_file.is_file() and id_file.read_text().strip():
                return provider_dir.name, id_file.read_text().strip()
        return None

    def observe(self, spec: Spec, name: str) -> Observed | None:
        found = self.machine(spec)
        if found is None:
            return None
        provider, ident = found
        record = State.load(spec.root).get(self.target, MACHINE) or {}
        if provider == "docker":
            return self._observe_container(spec, ident, record)
        running = self._vagrant_state(spec) == "running"
        return Observed(target=self.target, name=MACHINE, running=running,
                        spec_sha256=record.get("spec_sha256"),
                        url=self._ssh_url(spec) if running else None, ident=ident,
                        state=f"{provider}: {'running' if running else 'stopped'}")

    def list(self, spec: Spec) -> list[Observed]:
        observed = self.observe(spec, MACHINE)
        return [observed] if observed else []

    def _observe_container(self, spec: Spec, ident: str, record: dict[str, Any],
                           ) -> Observed | None:
        from docker.errors import NotFound

        client = connect(timeout=30)
        try:
            container = client.containers.get(ident)
        except NotFound:
            # the machine id outlived its container (removed by hand): Vagrant itself then counts
            # the machine as not created, so it is absent and ``up`` creates it afresh
            return None
        sha = (container.labels or {}).get(labels.SPEC_SHA256) or record.get("spec_sha256")
        started = parse_docker_time(container.attrs.get("State", {}).get("StartedAt"))
        return Observed(target=self.target, name=MACHINE,
                        running=container.status == "running", spec_sha256=sha,
                        url=f"docker://{container.name}", started_at=started,
                        ident=container.id, image=container.attrs.get("Image"),
                        state=container.status)

    # -- acting --------------------------------------------------------------------------------
    def bring_up(self, request: Request, decision: Decision, observed: Observed | None,
                 ) -> Observed:
        spec = request.spec
        provider = request.provider or "docker"
        atomic_write(self.root(spec) / OVERLAY,
                     (Path(__file__).parent / OVERLAY).read_bytes(), 0o644)
        vagrant = self._vagrant(spec, request.secrets)
        if provider == "docker":
            from parity.render.vagrant import CONTEXT
            from parity.up.docker_driver import check_base_images

            check_base_images(connect(timeout=30), self.root(spec) / CONTEXT / "Dockerfile", spec)
        if observed is not None:
            self.display.phase("destroying the previous Vagrant machine (spec changed)")
            self._destroy(spec)
        self._validate(spec, vagrant)
        self.display.phase(f"vagrant up --provider={provider} in {self.root(spec)}")
        try:
            for line in vagrant.up(provider=provider, stream_output=True):
                self.display.line(line)
        except subprocess.CalledProcessError:
            self._destroy(spec, quiet=True)
            raise EnvironmentError_(
                f"`vagrant up --provider={provider}` failed; the partly created machine was "
                f"destroyed.\nLast lines of Vagrant's output:\n{self.display.tail_text()}",
                hint=_provider_hint(provider),
            ) from None
        except BaseException:
            self._destroy(spec, quiet=True)
            raise
        now = self.observe(spec, MACHINE)
        if now is None:
            raise EnvironmentError_("`vagrant up` finished but Vagrant recorded no machine in "
                                    f"{self.root(spec)}",
                                    hint="Run `vagrant status` there to see what happened.")
        if provider == "docker" and now.ident:
            self._wait_ready(spec, now.ident)
        return now

    def _wait_ready(self, spec: Spec, ident: str) -> None:
        """The docker provider's container runs the same entrypoint as the docker target's:
        ready means the same (:mod:`parity.up.readiness`), so a ``parity check`` right after
        ``up`` does not race the services' start. A VM provisions before ``vagrant up``
        returns, and its init system is the VM's own business."""
        from parity.up import readiness

        readiness.wait_ready(connect(timeout=30).containers.get(ident), spec, self.display)

    def start(self, spec: Spec, observed: Observed) -> Observed:
        self.display.phase("vagrant up (the machine exists but is stopped)")
        found = self.machine(spec)
        try:
            for line in self._vagrant(spec).up(provider=found[0] if found else None,
                                               stream_output=True):
                self.display.line(line)
        except subprocess.CalledProcessError:
            raise EnvironmentError_(
                f"`vagrant up` could not start the stopped machine.\nLast lines of Vagrant's "
                f"output:\n{self.display.tail_text()}",
                hint="Run `parity down --target vagrant` and `parity up --target vagrant`.",
            ) from None
        return self.observe(spec, MACHINE) or observed

    def down(self, spec: Spec, name: str, *, keep_image: bool = False) -> list[str]:
        found = self.machine(spec)
        if found is None:
            return []
        provider, ident = found
        removed = [f"vagrant machine {MACHINE} ({provider} {ident[:12]}) in {self.root(spec)}"]
        image = self._destroy(spec)
        if image:
            removed.append(f"image {image[:12]} (built by Vagrant's docker provider)")
        return removed

    # -- vagrant -------------------------------------------------------------------------------
    def vagrant_env(self, spec: Spec, secrets: dict[str, str] | None = None) -> dict[str, str]:
        env = {**os.environ, "VAGRANT_CHECKPOINT_DISABLE": "1", "VAGRANT_NO_COLOR": "1"}
        if (self.root(spec) / OVERLAY).is_file():
            env["VAGRANT_VAGRANTFILE"] = OVERLAY
            env["PARITY_BUILD_NETWORK"] = "host"
            env["PARITY_SECRET_ENV"] = ",".join(sorted(secrets or {}))
        env.update(secrets or {})
        return env

    def _vagrant(self, spec: Spec, secrets: dict[str, str] | None = None, *,
                 parse: bool = False) -> Any:
        """A python-vagrant handle; ``parse`` keeps stderr apart for commands whose stdout is
        parsed (status, ssh-config), otherwise stderr joins the streamed output."""
        _require_vagrant()
        import vagrant

        return vagrant.Vagrant(root=str(self.root(spec)), env=self.vagrant_env(spec, secrets),
                               out_cm=_capture_cm,
                               err_cm=vagrant.devnull_cm if parse else _merge_cm)

    def _validate(self, spec: Spec, vagrant: Any) -> None:
        result = subprocess.run(["vagrant", "validate"], cwd=self.root(spec), env=vagrant.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                check=False)
        if result.returncode != 0:
            raise EnvironmentError_(
                f"`vagrant validate` rejected {self.root(spec) / 'Vagrantfile'}:\n"
                + "\n".join(f"  | {line}" for line in result.stdout.strip().splitlines()[-20:]),
                hint="This is a bug in the rendered Vagrantfile; please report it with the "
                     "spec that produced it.",
            )

    def _destroy(self, spec: Spec, *, quiet: bool = False) -> str | None:
        """``vagrant destroy -f`` in our working folder (the only machine parity made).

        Vagrant's docker provider builds an untagged image and leaves it behind on destroy;
        parity removes it too (when no container uses it), so ``down`` leaves nothing dangling.
        Returns that image's id when it was removed.
        """
        image_file = self.root(spec) / ".vagrant" / "machines" / MACHINE / "docker" / (
            "docker_build_image")
        image = image_file.read_text().strip() if image_file.is_file() else None
        try:
            vagrant = self._vagrant(spec)
        except EnvironmentError_:
            if quiet:
                return None
            raise
        with _captured() as out:
            vagrant.out_cm = lambda: _nullcm(out)
            try:
                vagrant.destroy()
            except subprocess.CalledProcessError:
                out.seek(0)
                text = out.read().decode("utf-8", "replace").strip().splitlines()[-20:]
                # Vagrant deletes the container, forgets the machine, then removes the image it
                # built; that last step fails when other images build on it (a docker-target
                # environment of the same spec shares its layers). The machine is gone: done.
                if self.machine(spec) is None:
                    return _remove_image(image) if image else None
                if not quiet:
                    raise EnvironmentError_(
                        f"`vagrant destroy -f` failed in {self.root(spec)}:\n"
                        + "\n".join(f"  | {line}" for line in text),
                        hint="Run it there by hand to see the whole message.") from None
                return None
        return _remove_image(image) if image else None

    def _vagrant_state(self, spec: Spec) -> str | None:
        with contextlib.suppress(Exception):
            statuses = self._vagrant(spec, parse=True).status()
            return statuses[0].state if statuses else None
        return None

    def _ssh_url(self, spec: Spec) -> str | None:
        with contextlib.suppress(Exception):
            conf = self._vagrant(spec, parse=True).conf()
            url = f"ssh://{conf['User']}@{conf['HostName']}:{conf.get('Port', '22')}"
            key = conf.get("IdentityFile")
            return f"{url}?ssh_identity_file={key}" if key else url
        return None


def _require_vagrant() -> None:
    if shutil.which("vagrant") is None:
        raise EnvironmentError_(
            "The `vagrant` command is not installed (not found on PATH), so the vagrant "
            "target cannot be brought up or down; nothing was built.",
            hint="Install Vagrant (https://developer.hashicorp.com/vagrant/install, or "
                 "`apt-get install vagrant` on Debian), or use the docker target: "
                 "`parity up --target docker`.",
        )


def _remove_image(ident: str) -> str | None:
    """Make sure the image Vagrant built is gone, unless something still uses or builds on it.

    Returns its id when it no longer exists (removed by Vagrant or here), None when it stays.
    """
    from docker.errors import APIError, ImageNotFound, NotFound

    with contextlib.suppress(EnvironmentError_, APIError):
        client = connect(timeout=60)
        try:
            client.images.get(ident)
        except (ImageNotFound, NotFound):
            return ident
        if not client.containers.list(all=True, filters={"ancestor": ident}):
            client.images.remove(ident)
            return ident
    return None


def _provider_hint(provider: str) -> str:
    if provider == "docker":
        return ("Check that the Docker daemon runs (`docker info`) and the base image is present "
                "(see README, \"Base images\"); then run `parity up --target vagrant` again.")
    needs = "VirtualBox" if provider == "virtualbox" else "libvirt and the vagrant-libvirt plugin"
    return (f"The {provider} provider needs {needs} on this machine and the box named in the "
            "spec; on machines without a hypervisor use `--provider docker`.")


@contextlib.contextmanager
def _captured() -> Iterator[IO[bytes]]:
    with tempfile.TemporaryFile() as fh:
        yield fh


@contextlib.contextmanager
def _nullcm(value: Any) -> Iterator[Any]:
    yield value


def _capture_cm() -> Any:
    return _captured()


def _merge_cm() -> Any:
    """stderr into stdout, so streamed output shows Vagrant's error messages in order."""
    return _nullcm(subprocess.STDOUT)
