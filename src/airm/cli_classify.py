"""The ``airm classify`` and ``airm review`` commands: proposing classifications and applying reviews."""

from __future__ import annotations

import click

from .cli_common import workspace_option


@click.command("classify")
@click.option("--export", "export_file", type=click.Path(dir_okay=False), default=None,
              help="instead of classifying, write every classification (curated and proposed) as a TSV to review")
@click.option("--only", "only", multiple=True, metavar="ID", help="classify only this mitigation (repeatable)")
@click.option("--rules", "rules_files", multiple=True, type=click.Path(dir_okay=False),
              help="use this rules file instead of data/classify/rules/ (repeatable; the text model is then left out "
                   "unless --text-model names one)")
@click.option("--text-model", "model_file", metavar="FILE|none", default=None,
              help="read texts with this learned text model instead of data/classify/model/text-model.ttl "
                   "('none': the text rules only)")
@click.option("--llm-endpoint", metavar="URL", default=None,
              help="also ask a language model at this OpenAI-compatible URL (key from $AIRM_LLM_API_KEY)")
@click.option("--model", metavar="NAME", default=None, help="the model to ask (with --llm-endpoint)")
@click.option("--llm-timeout", type=float, default=30.0, show_default=True, help="seconds allowed per answer")
@workspace_option
def classify_command(export_file, only, rules_files, model_file, llm_endpoint, model, llm_timeout, workspace):
    """Propose lifecycle stage, actor type, RMF function, MIT risk subdomain and taxonomy category for every
    mitigation lacking one, each with a method, confidence and one-sentence rationale.

    Methods, strongest first: inherited through skos:exactMatch, structural facts of the source, crosswalks, the
    learned text model (data/classify/model/) or the text rules (data/classify/rules/), and a language model only
    with --llm-endpoint. Proposals go to their own graph in the
    workspace; queries read them only with --with-proposals. Review with --export FILE and 'airm review'.
    """
    from .errors import UserError

    if export_file is not None:
        from .atomic import write_file
        from .review import export_tsv

        write_file(export_file, export_tsv(workspace=workspace))
        click.echo(f"wrote {export_file}")
        return
    llm = None
    if llm_endpoint or model:
        if not (llm_endpoint and model):
            raise UserError("--llm-endpoint and --model go together", hint="give both, or neither")
        from .classify.llm import LLMClient

        llm = LLMClient(llm_endpoint, model, timeout=llm_timeout)
    from .classify import classify

    result = classify(workspace=workspace, only=list(only) or None, rules_files=list(rules_files) or None, llm=llm,
                      model_file=model_file)
    click.echo("\n".join(result.lines()))


@click.command("review")
@click.argument("decision", type=click.Choice(["accept", "reject"]))
@click.argument("file", type=click.Path(dir_okay=False))
@workspace_option
def review_command(decision, file, workspace):
    """Apply a reviewed TSV (from 'airm classify --export'), all rows or none.

    Rows whose status you set to accepted or rejected are applied as they say; rows still 'proposed' are accepted
    (review accept) or rejected (review reject); 'curated' rows are left alone. Accepted values move into the
    curated graph, which every query reads.
    """
    from .review import apply_review

    counts = apply_review(file, decision, workspace=workspace)
    click.echo(f"{counts['accepted']} accepted, {counts['rejected']} rejected")
