"""Third-party front-end code, vendored from the npm registry at pinned versions.

Each entry names the package, its version, the registry's integrity string for
the published tarball, and the files copied out of it with their SHA-256. Two
checks keep the copies honest:

- `python -m fieldservice.vendor check` (and tests/fieldservice/test_vendor.py)
  hashes the files in the checkout against the SHA-256 recorded here, offline;
- `python -m fieldservice.vendor verify` (`make vendor-verify`) downloads each
  tarball from the registry, checks it against the recorded integrity, and
  compares every vendored file byte for byte with the one the package published.

To update a package: change its version and integrity (`npm view <pkg>@<version>
dist.integrity`), run `python -m fieldservice.vendor fetch`, then record the new
SHA-256 sums that `check` reports."""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class VendoredFile:
    destination: str  # relative to the checkout
    published_as: str  # path inside the package tarball
    sha256: str


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    licence: str
    integrity: str  # the registry's dist.integrity of the tarball
    files: tuple[VendoredFile, ...]

    @property
    def tarball_url(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"


PACKAGES = (
    Package(
        name="signature_pad",
        version="5.1.4",
        licence="MIT",
        integrity="sha512-q0wO5a+U+AWPVcVmiNXz7FY4Ad1QiE8wto/3Yn41WVqepoVVYMvkb1CTokaWPUUAHWDLLabH3/acODeWM9jCrg==",
        files=(
            VendoredFile(
                "visits/static/vendor/signature_pad-5.1.4/signature_pad.min.js",
                "package/dist/signature_pad.min.js",
                "bb87a53b8604a234f207017b314408a73c4d309fec195c992f18d53adf31eb21",
            ),
            VendoredFile(
                "visits/static/vendor/signature_pad-5.1.4/signature_pad.min.js.map",
                "package/dist/signature_pad.min.js.map",
                "ad790bc1c8c34fe92fe7af4a360795adfa76ff72066c5f6997478c828eb5bca0",
            ),
            VendoredFile(
                "visits/static/vendor/signature_pad-5.1.4/LICENSE",
                "package/LICENSE",
                "7d461320b6c69581bd19cc9402aa9a5e33ad826ed2f977d03bcb884e0cc6ce54",
            ),
        ),
    ),
    Package(
        name="idb",
        version="8.0.4",
        licence="ISC",
        integrity="sha512-jd0ITCrN+Zah4J7R/Z2jnR3W7A4BXDAjmo62MwWuSjxCiueUAf7X5rbodEdidWzeknwXHmLpdZkoiiCppNi30Q==",
        files=(
            VendoredFile(
                "visits/static/vendor/idb-8.0.4/index.js",
                "package/build/index.js",
                "e01b45d2e088a7197e8b41ba9b51a0876969da67cc08e6efbc3d5d7ab6ac836c",
            ),
            VendoredFile(
                "visits/static/vendor/idb-8.0.4/LICENSE",
                "package/LICENSE",
                "873a2f333fda393ec3464f4579209b019d98e97c3bf498b10e85f630162fd708",
            ),
        ),
    ),
    Package(
        name="qrcode-generator",
        version="2.0.4",
        # The package ships no licence file; the MIT notice heads qrcode.mjs.
        licence="MIT",
        integrity="sha512-mZSiP6RnbHl4xL2Ap5HfkjLnmxfKcPWpWe/c+5XxCuetEenqmNFf1FH/ftXPCtFG5/TDobjsjz6sSNL0Sr8Z9g==",
        files=(
            VendoredFile(
                "visits/static/vendor/qrcode-generator-2.0.4/qrcode.mjs",
                "package/dist/qrcode.mjs",
                "ea91d7118a5395289170da848b7c6758b996163bfbccf312591ab65a4911b7c0",
            ),
        ),
    ),
    Package(
        name="axe-core",
        version="4.14.1",
        licence="MPL-2.0",
        integrity="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        files=(
            VendoredFile(
                "tests/browser/vendor/axe-core-4.14.1/axe.min.js",
                "package/axe.min.js",
                "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
            ),
            VendoredFile(
                "tests/browser/vendor/axe-core-4.14.1/LICENSE",
                "package/LICENSE",
                "af175b9d96ee93c21a036152e1b905b0b95304d4ae8c2c921c7609100ba8df7e",
            ),
        ),
    ),
)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def local_problems() -> list[str]:
    """Vendored files missing from the checkout or different from the recorded sum."""
    problems = []
    for package in PACKAGES:
        for file in package.files:
            path = ROOT / file.destination
            if not path.is_file():
                problems.append(f"{file.destination}: missing")
            elif sha256_of(path.read_bytes()) != file.sha256:
                problems.append(
                    f"{file.destination}: SHA-256 {sha256_of(path.read_bytes())} "
                    f"is not the recorded {file.sha256}"
                )
    return problems


def _published_tarball(package: Package) -> tarfile.TarFile:
    with urllib.request.urlopen(package.tarball_url, timeout=60) as response:
        data = response.read()
    algorithm, _, expected = package.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise ValueError(f"{package.tarball_url}: integrity {actual} != {expected}")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def _published_file(tarball: tarfile.TarFile, file: VendoredFile) -> bytes:
    member = tarball.extractfile(file.published_as)
    if member is None:
        raise ValueError(f"{file.published_as} is not a file in the tarball")
    return member.read()


def published_problems() -> list[str]:
    """Compares each vendored file with the one its package published."""
    problems = []
    for package in PACKAGES:
        tarball = _published_tarball(package)
        for file in package.files:
            published = _published_file(tarball, file)
            path = ROOT / file.destination
            if not path.is_file() or path.read_bytes() != published:
                problems.append(
                    f"{file.destination}: not what {package.name}@"
                    f"{package.version} published as {file.published_as}"
                )
    return problems


def fetch() -> None:
    """Writes each vendored file from its published tarball (after an update)."""
    for package in PACKAGES:
        tarball = _published_tarball(package)
        for file in package.files:
            path = ROOT / file.destination
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_published_file(tarball, file))
            print(f"{file.destination}  {sha256_of(path.read_bytes())}")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "fetch":
        fetch()
        return 0
    problems = published_problems() if command == "verify" else local_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        count = sum(len(package.files) for package in PACKAGES)
        print(f"{count} vendored files match ({command})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
