"""Vendored front-end files are the ones recorded from the npm registry."""

from fieldservice import vendor


def test_every_vendored_file_matches_its_recorded_checksum():
    assert vendor.local_problems() == []


def test_a_changed_vendored_file_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(vendor, "ROOT", tmp_path)
    file = vendor.PACKAGES[0].files[0]
    (tmp_path / file.destination).parent.mkdir(parents=True)
    (tmp_path / file.destination).write_bytes(b"export default 1;\n")

    problems = vendor.local_problems()

    assert problems[0].startswith(f"{file.destination}: SHA-256 ")
    assert all(p.endswith(": missing") for p in problems[1:])
    assert len(problems) == sum(len(p.files) for p in vendor.PACKAGES)


def test_every_vendored_package_records_its_licence_and_integrity():
    for package in vendor.PACKAGES:
        assert package.licence
        assert package.integrity.startswith("sha512-")
        licence_files = [f for f in package.files if f.destination.endswith("LICENSE")]
        # qrcode-generator publishes its MIT notice inside qrcode.mjs itself.
        assert licence_files or package.name == "qrcode-generator"
