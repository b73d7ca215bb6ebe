package dev.lumen.app.cli;

import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.server.LumenServer;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.store.Blobs;
import dev.lumen.app.store.Store;
import dev.lumen.core.runtime.EngineOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lumen serve}: the REST API with jobs and the results store, the built-in demo registered. */
@Command(name = "serve", description = "Serve the REST API (jobs, results store) on http://127.0.0.1:8080.")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--port", description = "Port, 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port = 8080;

  @Option(names = "--host", description = "Address to bind; anything but loopback needs --token (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = "--data", paramLabel = "DIR", description = "The database file and stored maps (default: ${DEFAULT-VALUE}).")
  Path data = Path.of("lumen-data");

  @Option(names = "--db", paramLabel = "JDBC_URL", description = "jdbc:postgresql://HOST/DB?user=...; default: SQLite in DIR.")
  String db;

  @Option(names = "--workers", description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
  int workers = 1;

  @Option(names = "--queue", description = "Jobs that may wait; more get 503 (default: ${DEFAULT-VALUE}).")
  int queue = 64;

  @Option(names = "--token", description = "Bearer token every request must carry.")
  String token;

  @Option(names = "--allow", paramLabel = "DIR", split = ",", description = "Folders besides DIR whose models and studies may be registered by path.")
  List<Path> allow = List.of();

  @Option(names = "--max-upload-mib", description = "Largest request body in MiB (default: ${DEFAULT-VALUE}).")
  int maxUploadMib = 64;

  @Option(names = "--no-demo", description = "Do not register the built-in demo models and studies.")
  boolean noDemo;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LumenServer.Settings settings = new LumenServer.Settings(host, port, token, (long) maxUploadMib << 20);
    Files.createDirectories(data);
    List<Path> roots = new ArrayList<>(List.of(data));
    roots.addAll(allow);
    try (Store store = Store.open(db != null ? db : Store.sqliteUrl(data.toAbsolutePath()));
         LumenService service = new LumenService(store, new Blobs(data.resolve("blobs")), roots, EngineOptions.defaults());
         // before any job runs: what no row names was left by a process killed between a file and its row
         JobQueue jobs = new JobQueue(store, LumenServer.jobKinds(service.sweepBlobs()), workers, queue)) {
      if (!noDemo) {
        DemoFiles.register(service, data.resolve("demo"));
      }
      try (LumenServer server = LumenServer.start(service, jobs, settings)) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Lumen at " + server.url());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
        stopped.await();
      }
    }
    return 0;
  }
}
