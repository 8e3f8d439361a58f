// The queues page: see visits/console/pages.py.
