import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.jena.graph.Graph;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.Quad;

/**
 * Runs SPARQL query files with Jena ARQ over one N-Quads file loaded once, the default graph being the union of
 * all its graphs (how airm's Oxigraph store answers). Usage: RunQueries DATA.nq QUERY.rq...
 * Writes each answer beside its query (NAME.srj: SPARQL JSON for SELECT and ASK; NAME.nt for CONSTRUCT and
 * DESCRIBE) and prints "ANSWER\tNAME\tFILE", or "ERROR\tNAME\tMESSAGE" when Jena refuses or fails the query.
 */
public class RunQueries {
    static final long TIMEOUT_SECONDS = 120;

    public static void main(String[] args) throws Exception {
        DatasetGraph data = RDFDataMgr.loadDatasetGraph(args[0]);
        List<Quad> named = new ArrayList<>();
        data.find().forEachRemaining(named::add);
        Graph union = data.getDefaultGraph();
        for (Quad q : named) {
            if (!q.isDefaultGraph()) union.add(q.asTriple());
        }
        Dataset dataset = DatasetFactory.wrap(data);
        for (int i = 1; i < args.length; i++) {
            Path file = Paths.get(args[i]);
            String name = file.getFileName().toString().replaceFirst("\\.rq$", "");
            try {
                System.out.println("ANSWER\t" + name + "\t" + run(dataset, file, name));
            } catch (Exception e) {
                System.out.println("ERROR\t" + name + "\t" + String.valueOf(e).replaceAll("\\s+", " "));
            }
        }
    }

    static Path run(Dataset dataset, Path file, String name) throws Exception {
        Query query = QueryFactory.create(Files.readString(file));
        boolean graph = query.isConstructType() || query.isDescribeType();
        Path out = file.resolveSibling(name + (graph ? ".nt" : ".srj"));
        try (QueryExecution exec = QueryExecution.create().query(query).dataset(dataset)
                .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).build();
             OutputStream stream = Files.newOutputStream(out)) {
            if (query.isSelectType()) {
                ResultSetFormatter.outputAsJSON(stream, exec.execSelect());
            } else if (query.isAskType()) {
                ResultSetFormatter.outputAsJSON(stream, exec.execAsk());
            } else {
                Model model = query.isConstructType() ? exec.execConstruct() : exec.execDescribe();
                RDFDataMgr.write(stream, model, Lang.NTRIPLES);
            }
        }
        return out;
    }
}
