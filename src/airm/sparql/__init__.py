"""SPARQL text and transport, below every module that runs queries: ``text`` reads query text (one tokenizer),
``binding`` binds parameters as a VALUES block and says when that is safe, ``client`` talks SPARQL 1.1 Protocol."""
