"""Static files in production: hashed names, compressed copies (whitenoise),
and the import statements of ES modules rewritten to the hashed names, so the
phone app's `import … from "./api.js";` loads the file of the same deploy."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
