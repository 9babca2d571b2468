"""The Kubernetes set-up (deploy/kubernetes): values checked against Zero to JupyterHub's schema, one hub per province, the image and its pod helpers."""

from __future__ import annotations

import copy
import functools
import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml

from course.manifest import repo_root

ROOT = repo_root()
DEPLOY = ROOT / "deploy" / "kubernetes"
# CI clones the repository next to a copy of shared/, as on the development machine.
REFERENCE = ROOT.parent / "shared" / "reference" / "z2jh"

sys.path.insert(0, str(DEPLOY))
import dgt_pod  # noqa: E402
import provinces  # noqa: E402

needs_reference = pytest.mark.skipif(
    not (REFERENCE / "values.schema.yaml").is_file(),
    reason=f"the z2jh chart reference (values.yaml, values.schema.yaml) is not at {REFERENCE}",
)


# How Helm sees values: the chart's defaults, deep-merged with ours (the reference's README).


def deep_merge(base: dict, override: dict) -> dict:
    """Mappings merge key by key; anything else (lists, scalars) replaces."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@functools.cache
def reference(name: str) -> dict:
    """One file of the chart reference, parsed once per test run."""
    return load(REFERENCE / name)


def merged_values(*layers: dict) -> dict:
    """The chart's defaults with `layers` merged on top, in order."""
    values = copy.deepcopy(reference("values.yaml"))
    for layer in layers:
        values = deep_merge(values, layer)
    return values


@functools.cache
def _validator():
    schema = reference("values.schema.yaml")
    return jsonschema.validators.validator_for(schema)(schema)


def schema_errors(values: dict) -> list[str]:
    """Every place where `values` breaks the chart's schema, as 'path: message'."""
    validator = _validator()
    return [
        f"{'.'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator.iter_errors(values)
    ]


# The checks that matter beyond the schema. Each returns its problems (empty: fine).

UNITS = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def quantity(value) -> float:
    """A Kubernetes quantity ('1G', '320M', '512Mi', 0.5, '100m') as a number."""
    text = str(value)
    if text.endswith("m") and text[:-1].replace(".", "").isdigit():
        return float(text[:-1]) / 1000
    match = re.fullmatch(r"([0-9.]+)([KMG]i?)?", text)
    if not match:
        raise ValueError(f"not a quantity: {value!r}")
    return float(match.group(1)) * UNITS[match.group(2) or ""]


def images(values: dict, path: str = "") -> list[tuple[str, str, str]]:
    """Every image in the values: (where, name, tag), from image mappings and container specs."""
    found = []
    if isinstance(values, dict):
        for key, value in values.items():
            here = f"{path}.{key}" if path else str(key)
            if (
                isinstance(value, dict)
                and {"name", "tag"} <= value.keys()
                and "image" in key.lower()
            ):
                found.append((here, str(value["name"]), str(value["tag"])))
            elif key == "image" and isinstance(value, str):
                name, _, tag = value.rpartition(":")
                found.append((here, name, tag))
            elif key == "extraImages" and isinstance(value, dict):
                found += [(f"{here}.{k}", str(v["name"]), str(v["tag"])) for k, v in value.items()]
            else:
                found += images(value, here)
    elif isinstance(values, list):
        for index, item in enumerate(values):
            found += images(item, f"{path}[{index}]")
    return found


def image_problems(values: dict, extra: list[dict] = ()) -> list[str]:
    """Every image comes from the local registry; ours are pinned to one version."""
    registry = values["custom"]["dgt"]["registry"]
    problems = []
    ours = set()
    for where, name, tag in images(values) + [i for doc in extra for i in images(doc)]:
        if not name.startswith(registry + "/"):
            problems.append(f"{where}: {name} is not from {registry}")
        if "/dgt-lab/" in name:
            ours.add(tag)
            if tag in ("", "latest") or not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", tag):
                problems.append(f"{where}: {name}:{tag} is not pinned to a version")
    if len(ours) != 1:
        problems.append(f"our images carry different tags: {sorted(ours)}")
    return problems


def resource_problems(values: dict) -> list[str]:
    """Each trainee has a memory and CPU guarantee below a limit; the apps sidecar too."""
    problems = []
    single = values["singleuser"]
    for kind in ("memory", "cpu"):
        limit, guarantee = single[kind].get("limit"), single[kind].get("guarantee")
        if limit is None or guarantee is None:
            problems.append(f"singleuser.{kind}: limit and guarantee must both be set")
        elif not 0 < quantity(guarantee) <= quantity(limit):
            problems.append(f"singleuser.{kind}: guarantee {guarantee} is not within limit {limit}")
    for container in values["hub"].get("extraContainers", []):
        resources = container.get("resources", {})
        if "memory" not in resources.get("limits", {}):
            problems.append(f"hub.extraContainers.{container.get('name')}: no memory limit")
    if not str(single["storage"].get("capacity", "")):
        problems.append("singleuser.storage.capacity: no disk quota")
    return problems


def exchange_problems(values: dict, manifests: list[dict]) -> list[str]:
    """The exchange is a ReadWriteMany claim that every pod mounts where nbgrader looks."""
    problems = []
    claims = {
        doc["metadata"]["name"]: doc["spec"]
        for doc in manifests
        if doc and doc.get("kind") == "PersistentVolumeClaim"
    }
    storage = values["singleuser"]["storage"]
    volumes = {v["name"]: v for v in storage.get("extraVolumes") or []}
    exchange = volumes.get("exchange", {}).get("persistentVolumeClaim", {}).get("claimName")
    if exchange not in claims:
        problems.append(f"the exchange volume's claim {exchange!r} is not in exchange.yaml")
    elif claims[exchange].get("accessModes") != ["ReadWriteMany"]:
        problems.append(f"claim {exchange}: access modes {claims[exchange].get('accessModes')}")
    mounts = {m["name"]: m["mountPath"] for m in storage.get("extraVolumeMounts") or []}
    where = values["singleuser"].get("extraEnv", {}).get("DGT_EXCHANGE")
    if mounts.get("exchange") is None or mounts.get("exchange") != where:
        problems.append(f"exchange mounted at {mounts.get('exchange')}, DGT_EXCHANGE is {where}")
    return problems


def culling_problems(values: dict) -> list[str]:
    problems = []
    cull = values["cull"]
    if not cull.get("enabled") or not 0 < cull.get("timeout", 0) <= 7200:
        problems.append("cull: idle servers must be stopped within two hours")
    files = values["singleuser"].get("extraFiles", {})
    kernels = [f["data"].get("MappingKernelManager", {}) for f in files.values() if "data" in f]
    if not any(k.get("cull_idle_timeout", 0) > 0 for k in kernels):
        problems.append("singleuser.extraFiles: no kernel culling (MappingKernelManager)")
    return problems


def auth_problems(values: dict) -> list[str]:
    """A real authenticator with per-person passwords; never a shared one."""
    problems = []
    config = values["hub"]["config"]
    if config["JupyterHub"].get("authenticator_class") != "nativeauthenticator.NativeAuthenticator":
        problems.append("hub.config.JupyterHub.authenticator_class is not NativeAuthenticator")
    native = config.get("NativeAuthenticator", {})
    if native.get("open_signup", True):
        problems.append("NativeAuthenticator.open_signup: sign-ups must wait for the trainer")
    if "Dummy" in " ".join(config) or shared_passwords(config):
        problems.append(f"hub.config holds a password: {shared_passwords(config)}")
    return problems


def shared_passwords(node, path: str = "") -> list[str]:
    """Every setting named like a password that has a value (a password in the values file)."""
    found = []
    for key, value in node.items() if isinstance(node, dict) else []:
        here = f"{path}.{key}" if path else key
        if re.fullmatch(r"(?i)(shared_)?password", str(key)) and value:
            found.append(here)
        found += shared_passwords(value, here)
    return found


def province_problems(overlays: dict[str, dict]) -> list[str]:
    """Each province: its own namespace, host and course id, derived from its code."""
    problems = []
    seen: dict[str, set] = {"namespace": set(), "host": set(), "course": set()}
    for name, overlay in overlays.items():
        code = Path(name).stem
        dgt = overlay.get("custom", {}).get("dgt", {})
        own = {
            "namespace": dgt.get("namespace"),
            "host": (overlay.get("ingress", {}).get("hosts") or [None])[0],
            "course": overlay.get("singleuser", {}).get("extraEnv", {}).get("DGT_COURSE_ID"),
        }
        for kind, value in own.items():
            if not value or code not in str(value):
                problems.append(f"{name}: {kind} {value!r} does not name the province {code}")
            elif value in seen[kind]:
                problems.append(f"{name}: {kind} {value!r} is shared with another province")
            seen[kind].add(value)
    return problems


def all_problems(values: dict, manifests: list[dict]) -> list[str]:
    return [
        *schema_errors(values),
        *image_problems(values, manifests),
        *resource_problems(values),
        *exchange_problems(values, manifests),
        *culling_problems(values),
        *auth_problems(values),
    ]


@pytest.fixture(scope="module")
def ours() -> dict:
    return load(DEPLOY / "values.yaml")


@pytest.fixture(scope="module")
def manifests() -> list[dict]:
    return [d for d in yaml.safe_load_all((DEPLOY / "exchange.yaml").read_text()) if d]


@pytest.fixture(scope="module")
def overlays() -> dict[str, dict]:
    return {p.name: load(p) for p in sorted((DEPLOY / "provinces").glob("*.yaml"))}


# The values ------------------------------------------------------------------------------


@needs_reference
def test_the_chart_defaults_pass_their_own_schema():
    """The merge-and-validate method itself holds (the chart's tools do the same)."""
    assert schema_errors(merged_values()) == []


@needs_reference
def test_values_pass_the_schema_and_every_check(ours, manifests):
    assert all_problems(merged_values(ours), manifests) == []


@needs_reference
@pytest.mark.parametrize("code", [f"{provinces.slug(c)}.yaml" for c, _ in provinces.provinces()])
def test_each_province_passes_on_top_of_the_values(code, ours, manifests, overlays):
    assert code in overlays, f"no overlay for {code}"
    values = merged_values(ours, overlays[code])
    assert all_problems(values, manifests) == []
    assert values["singleuser"]["extraEnv"]["DGT_EXCHANGE"] == "/srv/nbgrader/exchange"


BROKEN = {
    "an unknown key": ("singleuser", "bogus", True),
    "a misspelt section": ("singleuser", "memmory", {"limit": "1G"}),
    "a number for an image tag": ("singleuser", "image", {"name": "x/y", "tag": 1.0}),
    "a lower-case config class": ("hub", "config", {"jupyterhub": {"admin_access": False}}),
    "culling without enabled": (None, "cull", {"timeout": 600}),
}


@needs_reference
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_values_file_is_rejected_by_the_schema(case, ours, tmp_path):
    section, key, value = BROKEN[case]
    broken = copy.deepcopy(ours)
    if section is None:
        broken[key] = value
    else:
        broken[section][key] = value
    path = tmp_path / "values.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    values = load(path)
    if case == "culling without enabled":  # a whole section replaced: no defaults under it
        assert schema_errors({**merged_values(), "cull": values["cull"]})
    else:
        assert schema_errors(merged_values(values)), case


def _broken(ours: dict, change) -> dict:
    values = merged_values(ours)
    change(values)
    return values


CHECKS_BROKEN = {
    "latest tag": lambda v: v["singleuser"]["image"].update(tag="latest"),
    "image from the internet": lambda v: v["hub"]["image"].update(
        name="quay.io/jupyterhub/k8s-hub"
    ),
    "tags differ": lambda v: v["custom"]["dgt"]["trainerImage"].update(tag="0.2.0"),
    "no memory limit": lambda v: v["singleuser"]["memory"].update(limit=None),
    "guarantee above limit": lambda v: v["singleuser"]["cpu"].update(guarantee=2),
    "exchange not RWX": lambda v: v["singleuser"]["storage"]["extraVolumes"][0][
        "persistentVolumeClaim"
    ].update(claimName="home"),
    "exchange elsewhere": lambda v: v["singleuser"]["extraEnv"].update(DGT_EXCHANGE="/tmp/x"),
    "no culling": lambda v: v["cull"].update(enabled=False),
    "no kernel culling": lambda v: v["singleuser"].update(extraFiles={}),
    "dummy login": lambda v: v["hub"]["config"]["JupyterHub"].update(authenticator_class="dummy"),
    "shared password": lambda v: v["hub"]["config"].update(
        DummyAuthenticator={"password": "lao2026"}
    ),
    "open sign-up": lambda v: v["hub"]["config"]["NativeAuthenticator"].update(open_signup=True),
}


@needs_reference
@pytest.mark.parametrize("case", sorted(CHECKS_BROKEN))
def test_the_checks_catch_a_broken_values_file(case, ours, manifests):
    values = _broken(ours, CHECKS_BROKEN[case])
    assert all_problems(values, manifests), case


def test_the_exchange_claim_is_read_write_many(manifests):
    claims = [d for d in manifests if d["kind"] == "PersistentVolumeClaim"]
    assert [c["metadata"]["name"] for c in claims] == ["dgt-exchange"]
    assert claims[0]["spec"]["accessModes"] == ["ReadWriteMany"]
    rwo = copy.deepcopy(manifests)
    next(d for d in rwo if d["kind"] == "PersistentVolumeClaim")["spec"]["accessModes"] = [
        "ReadWriteOnce"
    ]
    values = load(DEPLOY / "values.yaml")
    assert exchange_problems(values, rwo)


# One hub per province ---------------------------------------------------------------------


def test_one_overlay_per_province_exactly_as_generated(overlays):
    """18 overlays, one per row of the course's province table, none edited by hand."""
    table = provinces.provinces()
    assert len(table) == 18
    expected = provinces.expected()
    assert sorted(expected) == sorted(overlays)
    for name, text in expected.items():
        assert (DEPLOY / "provinces" / name).read_text(encoding="utf-8") == text, name


def test_each_province_has_its_own_namespace_host_and_course(overlays):
    assert province_problems(overlays) == []
    shared = copy.deepcopy(overlays)
    first, second = sorted(shared)[:2]
    shared[second]["custom"]["dgt"]["namespace"] = shared[first]["custom"]["dgt"]["namespace"]
    assert province_problems(shared)


# The image and its pod helpers -------------------------------------------------------------


def dockerfile_stages() -> dict[str, str]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    parts = re.split(r"^FROM .* AS (\w+)\s*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_image_is_built_from_the_lock_and_keeps_solutions_out_of_trainee_pods():
    stages = dockerfile_stages()
    assert set(stages) == {"trainee", "trainer"}
    trainee, trainer = stages["trainee"], stages["trainer"]
    assert "pip install -r /tmp/dgt/requirements.lock" in trainee
    assert "COPY requirements.lock" in trainee
    assert "COPY modules /opt/dgt/modules" in trainee
    assert "exercises" not in re.sub(r"#.*", "", trainee)
    assert "COPY exercises /opt/dgt/exercises" in trainer
    assert "formgrader" in trainee and "disable" in trainee
    # No step fetches anything by URL (only pip, from the lock, while building).
    assert not re.search(r"\b(curl|wget|git clone)\b|https?://", re.sub(r"#.*", "", trainee))


def test_sync_lessons_adds_new_lessons_and_keeps_the_trainees_edits(tmp_path):
    source, home = tmp_path / "modules", tmp_path / "lessons"
    (source / "A0").mkdir(parents=True)
    (source / "A0" / "A0-1.ipynb").write_text("original", encoding="utf-8")
    (source / "A0" / ".ipynb_checkpoints").mkdir()
    (source / "A0" / ".ipynb_checkpoints" / "x.ipynb").write_text("skip", encoding="utf-8")
    assert dgt_pod.sync_lessons(source, home) == [Path("A0/A0-1.ipynb")]
    (home / "A0" / "A0-1.ipynb").write_text("my answers", encoding="utf-8")
    (source / "A1").mkdir()
    (source / "A1" / "A1-1.ipynb").write_text("new lesson", encoding="utf-8")
    assert dgt_pod.sync_lessons(source, home) == [Path("A1/A1-1.ipynb")]
    assert (home / "A0" / "A0-1.ipynb").read_text(encoding="utf-8") == "my answers"
    assert (home / "A1" / "A1-1.ipynb").read_text(encoding="utf-8") == "new lesson"
    assert not (home / "A0" / ".ipynb_checkpoints").exists()
    assert not list(home.rglob(".*.partial"))


def test_start_names_a_trainees_uid_jovyan_once(tmp_path):
    """nbgrader takes the hub's user name only when the uid's name is jovyan."""
    passwd = tmp_path / "passwd"
    passwd.write_text(
        "root:x:0:0:root:/root:/bin/bash\njovyan:x:1000:100::/home/jovyan:/bin/bash\n",
        encoding="utf-8",
    )
    assert not dgt_pod.name_uid(passwd, 1000, 100, "/home/jovyan")
    assert dgt_pod.name_uid(passwd, 100042, 0, "/home/jovyan")
    assert not dgt_pod.name_uid(passwd, 100042, 0, "/home/jovyan")
    lines = passwd.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "jovyan:x:100042:0:trainee:/home/jovyan:/bin/bash"
    assert len(lines) == 3
    assert not dgt_pod.has_passwd_entry("jovyan:x:1000:100::/home/jovyan:/bin/bash", 100)
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["dgt-pod", "start"]' in dockerfile
    assert "chmod g+w /etc/passwd" in dockerfile


def test_start_copies_the_lessons_then_runs_the_server_command(tmp_path):
    """The image's entry point, run for real (the server command here is `true`)."""
    import pwd
    import subprocess

    try:
        pwd.getpwuid(os.getuid())
    except KeyError:
        pytest.skip("this uid has no name here: `start` would add one to /etc/passwd")
    env = {**os.environ, "HOME": str(tmp_path), "DGT_ROOT": str(ROOT)}
    script = DEPLOY / "dgt_pod.py"
    done = subprocess.run(
        [sys.executable, str(script), "start", "sh", "-c", "echo started"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "started\n"
    lesson = tmp_path / "lessons" / "A0-getting-started" / "A0-1-your-first-notebook.ipynb"
    assert (
        lesson.read_bytes()
        == (ROOT / "modules" / lesson.relative_to(tmp_path / "lessons")).read_bytes()
    )


def test_the_apps_sidecar_serves_dgt_apps_under_the_service_prefix(ours):
    from course.serve import app_server

    arguments = dgt_pod.apps_arguments(8866, "/services/apps")
    own = app_server.voila_arguments(8866, open_browser=False, preheat=True)
    assert arguments[:-2] == [a for a in own if a != "--Voila.ip=127.0.0.1"]
    assert arguments[-2:] == ["--Voila.ip=0.0.0.0", "--Voila.base_url=/services/apps/"]
    # Each setting once: traitlets refuses a setting given twice.
    names = [a.split("=", 1)[0] for a in arguments if a.startswith("--")]
    assert len(names) == len(set(names))
    sidecar = ours["hub"]["extraContainers"][0]
    assert sidecar["command"] == ["dgt-pod", "apps", "8866"]
    assert ours["hub"]["services"]["apps"]["url"] == "http://hub:8866"
    assert {"name": "JUPYTERHUB_SERVICE_PREFIX", "value": "/services/apps/"} in sidecar["env"]


@needs_reference
def test_the_hub_config_gives_the_trainer_the_workspace_and_each_trainee_a_uid(ours):
    """Run our hub.extraConfig snippets as the hub would, with z2jh's get_config on our values."""
    from traitlets.config import Config

    values = merged_values(ours)

    def get_config(key: str, default=None):
        node = values
        for part in key.split("."):
            node = node.get(part, default) if isinstance(node, dict) else default
        return node

    config = Config()
    snippet = ours["hub"]["extraConfig"]["20-dgt-trainer-and-trainees"]
    exec(compile(snippet, "extraConfig", "exec"), {"c": config, "get_config": get_config})
    uid, hook = config.KubeSpawner.uid, config.KubeSpawner.pre_spawn_hook

    def spawner(user_id: int, admin: bool) -> SimpleNamespace:
        return SimpleNamespace(
            user=SimpleNamespace(id=user_id, admin=admin),
            image="trainee",
            environment={},
            volume_mounts=[{"name": "exchange", "mountPath": "/srv/nbgrader/exchange"}],
        )

    trainees = [spawner(n, False) for n in (2, 3, 4)]
    assert len({uid(s) for s in trainees}) == 3
    assert all(uid(s) >= 100000 for s in trainees)
    trainer = spawner(1, True)
    assert uid(trainer) == 1000
    hook(trainer)
    assert trainer.image == "registry.dgt-lab.internal:5000/dgt-lab/trainer:0.1.0"
    assert trainer.environment["DGT_WORKSPACE"] == "/home/jovyan/dgt-workspace"
    assert {"name": "exchange", "mountPath": "/home/jovyan/dgt-workspace/exchange"} in (
        trainer.volume_mounts
    )
    hook(trainees[0])
    assert trainees[0].image == "trainee" and trainees[0].environment == {}
    compile(ours["hub"]["extraConfig"]["10-native-authenticator-templates"], "x", "exec")
