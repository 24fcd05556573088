"""airm's version, on the ground floor: the package, the build record, the caches' keys and the servers read it
here, so no library module has to import the package's face (which loads the library lazily)."""

__version__ = "0.1.0"
