"""The technician's phone app: the pages that serve it (shell, manifest,
service worker) and the landing page that sends each role to its own pages.
The app itself is static ES modules under visits/static/phone/ that use only
the public REST API."""
