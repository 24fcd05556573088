// OWL 2 DL profile check with the OWL API (the check ROBOT's validate-profile runs), for the tests.
// Usage: java -cp <owlapi jars> ProfileCheck.java FILE...   Loads every file (no imports followed), merges their axioms
// into one ontology and prints one line per violation: "VIOLATION<TAB><kind><TAB><text>", then "COUNT<TAB>n".
import java.io.File;
import java.util.HashSet;
import java.util.Set;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
            .setFollowRedirects(false);
        Set<OWLAxiom> axioms = new HashSet<>();
        Set<OWLAnnotation> header = new HashSet<>();
        for (String path : args) {
            OWLOntology o = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(new File(path)), config);
            o.axioms().forEach(axioms::add);
            o.annotations().forEach(header::add);
            manager.removeOntology(o);
        }
        OWLOntology merged = manager.createOntology(IRI.create("urn:airm:profile-check"));
        manager.addAxioms(merged, axioms.stream());
        for (OWLAnnotation a : header) {
            manager.applyChange(new AddOntologyAnnotation(merged, a));
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(merged);
        for (OWLProfileViolation v : report.getViolations()) {
            System.out.println("VIOLATION\t" + v.getClass().getSimpleName() + "\t" + v.toString().replace('\n', ' '));
        }
        System.out.println("COUNT\t" + report.getViolations().size());
    }
}
