"""utils.data: 등록부, fetch(캐시·미러·URL), 무결성, 원자적 저장, 오류 메시지."""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from pathlib import Path

import pytest

import utils
from utils import data as D


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part-" in p.name)


# ---------------------------------------------------------------- registry
def test_registry_has_both_lecture_datasets():
    assert set(D.REGISTRY) >= {"thoracic", "cats_and_dogs"}
    thor = D.REGISTRY["thoracic"]
    assert thor.url.endswith("/ThoraricSurgery.csv") and thor.url.startswith("https://")
    assert thor.size == 21_257
    for ds in D.REGISTRY.values():
        assert ds.source and ds.licence and ds.description


def test_dataset_readme_documents_every_registry_entry():
    readme = (Path(D.__file__).parent.parent / "dataset" / "README.md").read_text(encoding="utf-8")
    for ds in D.REGISTRY.values():
        assert f"`{ds.name}`" in readme and ds.url in readme and ds.filename in readme
    assert "b51f69e60765c0b724c356fc3b9c5777b213c920b75ebb75b37b1f4b3702c379" in readme


def test_unknown_dataset_name_lists_known_names():
    with pytest.raises(D.DatasetError, match="thoracic"):
        D.fetch("no-such-dataset")


@pytest.mark.parametrize("bad", ["ftp://x/y.csv", "not a url"])
def test_dataset_rejects_non_http_url(bad):
    with pytest.raises(ValueError, match="http"):
        D.Dataset(name="x", url=bad, filename="x.csv", verify=D.check_sha256("0" * 64))


@pytest.mark.parametrize("bad", ["../x.csv", "a/b.csv", ".hidden", ""])
def test_dataset_rejects_paths_as_filenames(bad):
    with pytest.raises(ValueError, match="filename"):
        D.Dataset(name="x", url="https://e.org/x.csv", filename=bad, verify=D.check_sha256("0" * 64))


def test_cats_dogs_member_list_matches_documented_layout():
    members = D._cats_dogs_members()
    assert len(members) == 3000 == len(set(members))
    assert "cats_and_dogs_filtered/train/cats/cat.0.jpg" in members
    assert "cats_and_dogs_filtered/validation/dogs/dog.2499.jpg" in members


# ---------------------------------------------------------------- data dir
def test_default_data_dir_is_repo_dataset_folder():
    assert D.default_data_dir() == Path(D.__file__).resolve().parent.parent / "dataset"


def test_data_dir_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv(D.DATA_DIR_ENV, str(tmp_path))
    assert D.dataset_path("thoracic") == tmp_path / "ThoraricSurgery.csv"


# ---------------------------------------------------------------- network
def test_download_verifies_and_stores(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("ok", payload)))
    path = D.fetch(ds, data_dir=tmp_path, progress=False, verbose=False)
    assert path == tmp_path / "toy.csv" and path.read_bytes() == payload
    assert _leftovers(tmp_path) == []


def test_cache_hit_does_not_download_again(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("ok", payload)))
    D.fetch(ds, data_dir=tmp_path, progress=False, verbose=False)
    D.fetch(ds, data_dir=tmp_path, progress=False, verbose=False)
    assert http_server.hits["/toy.csv"] == 1


def test_checksum_mismatch_is_rejected_and_nothing_is_left(http_server, make_dataset, payload, tmp_path):
    wrong = payload[:-1] + b"X"  # 같은 크기, 다른 바이트
    ds = make_dataset(http_server.route("/toy.csv", ("ok", wrong)))
    with pytest.raises(D.DatasetError) as info:
        D.fetch(ds, data_dir=tmp_path, retries=2, backoff=0, progress=False, verbose=False)
    msg = str(info.value)
    assert "sha256 불일치" in msg and ds.url in msg and "'toy'" in msg
    assert list(tmp_path.iterdir()) == []


def test_server_error_is_retried_then_succeeds(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("status", 500), ("ok", payload)))
    path = D.fetch(ds, data_dir=tmp_path, retries=3, backoff=0, progress=False, verbose=False)
    assert path.read_bytes() == payload and http_server.hits["/toy.csv"] == 2


def test_404_fails_at_once_with_url_and_advice(http_server, make_dataset, tmp_path):
    ds = make_dataset(http_server.base + "/missing.csv")
    with pytest.raises(D.DatasetError) as info:
        D.fetch(ds, data_dir=tmp_path, retries=3, backoff=0, progress=False, verbose=False)
    msg = str(info.value)
    assert "404" in msg and ds.url in msg and D.MIRROR_ENV in msg
    assert http_server.hits["/missing.csv"] == 1  # 4xx 는 다시 시도하지 않음
    assert list(tmp_path.iterdir()) == []


def test_truncated_body_is_never_returned(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("truncated", payload[:100])))
    with pytest.raises(D.DatasetError, match="잘렸|끊겼|크기"):
        D.fetch(ds, data_dir=tmp_path, retries=2, backoff=0, timeout=5, progress=False, verbose=False)
    assert list(tmp_path.iterdir()) == []


def test_slow_server_times_out(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("slow", payload, 2.0)))
    with pytest.raises(D.DatasetError, match="시도 1/1"):
        D.fetch(ds, data_dir=tmp_path, retries=1, timeout=0.5, progress=False, verbose=False)
    assert list(tmp_path.iterdir()) == []


def test_offline_error_names_url_and_what_to_do(make_dataset, tmp_path):
    # 127.0.0.1 의 닫힌 포트: 연결 거부 = 인터넷이 없는 것과 같은 상황
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    ds = make_dataset(f"http://127.0.0.1:{port}/toy.csv")
    with pytest.raises(D.DatasetError) as info:
        D.fetch(ds, data_dir=tmp_path, retries=2, backoff=0, progress=False, verbose=False)
    msg = str(info.value)
    assert ds.url in msg and "연결 실패" in msg and "DLCOURSE_MIRROR" in msg and "해결 방법" in msg


# ---------------------------------------------------------------- cache and mirror
def test_corrupt_cache_is_replaced(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("ok", payload)))
    (tmp_path / "toy.csv").write_bytes(b"garbage")
    path = D.fetch(ds, data_dir=tmp_path, progress=False, verbose=False)
    assert path.read_bytes() == payload


def test_mirror_is_used_before_network(monkeypatch, make_dataset, payload, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "toy.csv").write_bytes(payload)
    monkeypatch.setenv(D.MIRROR_ENV, os.pathsep.join([str(tmp_path / "empty"), str(mirror)]))
    ds = make_dataset("http://127.0.0.1:9/never-contacted.csv")
    out = tmp_path / "data"
    path = D.fetch(ds, data_dir=out, progress=False, verbose=False)
    assert path.read_bytes() == payload and _leftovers(out) == []


def test_corrupt_mirror_file_falls_back_to_network(monkeypatch, http_server, make_dataset, payload, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "toy.csv").write_bytes(b"not the right bytes")
    monkeypatch.setenv(D.MIRROR_ENV, str(mirror))
    ds = make_dataset(http_server.route("/toy.csv", ("ok", payload)))
    path = D.fetch(ds, data_dir=tmp_path / "data", progress=False, verbose=False)
    assert path.read_bytes() == payload


def test_real_thoracic_from_mirror(real_mirror, tmp_path):
    path = D.fetch("thoracic", data_dir=tmp_path, verbose=False)
    assert (
        hashlib.sha256(path.read_bytes()).hexdigest()
        == "b51f69e60765c0b724c356fc3b9c5777b213c920b75ebb75b37b1f4b3702c379"
    )


def test_real_cats_and_dogs_archive_passes_member_check(real_mirror):
    archive = real_mirror / "cats_and_dogs_filtered.zip"
    D.REGISTRY["cats_and_dogs"].verify(archive, False)  # 구성원 이름·개수 (빠른 검사)


# ---------------------------------------------------------------- zip verification and extraction
def _zip(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for n in names:
            zf.writestr(n, b"\xff\xd8fakejpeg" + n.encode())
    return path


def test_zip_members_check(tmp_path):
    good = ["d/a.jpg", "d/b.jpg"]
    verify = D.check_zip_members(good, suffix=".jpg")
    verify(_zip(tmp_path / "ok.zip", good + ["d/readme.py"]), True)
    with pytest.raises(D.IntegrityError, match="구성원"):
        verify(_zip(tmp_path / "missing.zip", good[:1]), True)
    (tmp_path / "bad.zip").write_bytes(b"PK not really")
    with pytest.raises(D.IntegrityError, match="zip"):
        verify(tmp_path / "bad.zip", True)


def test_extract_is_atomic_and_checks_counts(monkeypatch, tmp_path):
    names = [f"toyzip/train/cats/c{i}.jpg" for i in range(3)] + [f"toyzip/train/dogs/d{i}.jpg" for i in range(2)]
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    _zip(mirror / "toyzip.zip", names)
    monkeypatch.setenv(D.MIRROR_ENV, str(mirror))
    ds = D.Dataset(
        name="toyzip",
        url="https://example.invalid/toyzip.zip",
        filename="toyzip.zip",
        verify=D.check_zip_members(names, ".jpg"),
        extract_to="toyzip",
        extras={"counts": {"train": {"cats": 3, "dogs": 2}}},
    )
    data = tmp_path / "data"
    folder = D.extract(ds, data_dir=data, verbose=False)
    assert folder == data / "toyzip" and len(list((folder / "train" / "cats").glob("*.jpg"))) == 3
    assert not [p for p in data.iterdir() if ".part-" in p.name]
    # 폴더가 망가지면(사진 하나 삭제) 다시 풉니다
    next((folder / "train" / "dogs").glob("*.jpg")).unlink()
    folder = D.extract(ds, data_dir=data, verbose=False)
    assert len(list((folder / "train" / "dogs").glob("*.jpg"))) == 2


def test_extract_refuses_non_archive():
    with pytest.raises(D.DatasetError, match="압축"):
        D.extract("thoracic")


def test_fetch_rejects_bad_retries(make_dataset, tmp_path):
    with pytest.raises(ValueError, match="retries"):
        D.fetch(make_dataset("https://e.org/x.csv"), data_dir=tmp_path, retries=0)


def test_public_api_reexports():
    assert utils.fetch is D.fetch and utils.DatasetError is D.DatasetError
    assert re.fullmatch(r"\d+\.\d+\.\d+", utils.__version__)


def test_interrupted_download_is_retried_and_never_returns_partial(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("reset", payload[: len(payload) // 2]), ("ok", payload)))
    path = D.fetch(ds, data_dir=tmp_path, retries=3, backoff=0, timeout=5, progress=False, verbose=False)
    assert path.read_bytes() == payload and http_server.hits["/toy.csv"] == 2
    assert _leftovers(tmp_path) == []


def test_wrong_bytes_then_right_bytes_returns_only_right_bytes(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("ok", payload[::-1]), ("ok", payload)))
    path = D.fetch(ds, data_dir=tmp_path, retries=2, backoff=0, progress=False, verbose=False)
    assert path.read_bytes() == payload


def test_interrupted_every_time_gives_clear_error_and_no_file(http_server, make_dataset, payload, tmp_path):
    ds = make_dataset(http_server.route("/toy.csv", ("reset", payload[:200])))
    with pytest.raises(D.DatasetError) as info:
        D.fetch(ds, data_dir=tmp_path, retries=2, backoff=0, timeout=5, progress=False, verbose=False)
    assert "시도 2/2" in str(info.value) and ds.url in str(info.value)
    assert list(tmp_path.iterdir()) == []
