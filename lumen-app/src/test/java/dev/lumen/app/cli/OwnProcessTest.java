package dev.lumen.app.cli;

import static dev.lumen.app.cli.CliTest.lumen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.cli.CliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands in a JVM of their own: {@code lumen explain} killed with SIGKILL in the middle of a
 * run leaves whole studies listed by a valid manifest, and a rerun with {@code --add} finishes
 * the rest without mixing or leftovers; {@code lumen batch} killed so keeps whole parts, and its
 * rerun gives the rows of an uninterrupted run; a study too large for a small heap is refused in one
 * line before the work, not with an {@link OutOfMemoryError}.
 */
class OwnProcessTest {

  @Test
  void aKilledRunLeavesWholeStudiesAndTheRerunAddsTheRest(@TempDir Path tmp) throws Exception {
    Path model = DemoResources.copy("chest-demo.onnx", tmp);
    DemoResources.copy("chest-demo.lumen.json", tmp);
    Path study = DemoResources.copy("study-1-nodule.png", tmp);
    Path studies = Files.createDirectories(tmp.resolve("studies"));
    for (int i = 0; i < 12; i++) {
      Files.copy(study, studies.resolve(String.format("case-%02d.png", i)));
    }
    Path out = tmp.resolve("maps");
    Process run = lumenProcess(tmp.resolve("log"), "-Xmx1g", "explain", model.toString(), studies.toString(),
        "--method", "occlusion", "--window", "8", "--stride", "4", "--all", "--batch", "1", "-o", out.toString());
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (studiesIn(out) < 2 && run.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(run.isAlive(), "the run is still going when it is killed: " + Files.readString(tmp.resolve("log")));
    } finally {
      run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);   // SIGKILL: no shutdown hook, no cleanup
    }

    JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    int listed = manifest.get("studies").size();
    assertTrue(listed >= 2 && listed < 12, "stopped midway: " + listed);
    Set<String> folders = new HashSet<>();
    for (JsonNode s : manifest.get("studies")) {
      folders.add(s.get("folder").asText());
      assertTrue(Files.isRegularFile(out.resolve(s.get("panel").asText())));
      for (JsonNode e : s.get("explanations")) {
        assertTrue(Files.size(out.resolve(e.get("map").asText())) > 0);
        assertTrue(javax.imageio.ImageIO.read(out.resolve(e.get("overlays").get(0).asText()).toFile()) != null);
      }
    }
    try (Stream<Path> visible = Files.list(out)) {
      Set<String> names = new HashSet<>(visible.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && !n.equals("manifest.json")).toList());
      assertEquals(folders, names, "every visible study folder is one the manifest lists, whole");
    }

    // the same command again with --add finishes the studies the killed run did not
    Run rest = lumen("explain", model.toString(), studies.toString(), "--method", "occlusion", "--window", "8",
        "--stride", "4", "--all", "--add", "-o", out.toString());
    assertEquals(0, rest.code(), rest.err());
    assertTrue(rest.err().contains("holds " + listed + " of these studies already"), rest.err());
    assertEquals(12, new ObjectMapper().readTree(out.resolve("manifest.json").toFile()).get("studies").size());
    try (Stream<Path> all = Files.walk(out)) {
      assertTrue(all.noneMatch(p -> p.getFileName().toString().contains(".partial")), "the killed run's leftovers are gone");
    }
  }

  @Test
  void aKilledBatchRunKeepsWholePartsAndTheRerunGivesTheRowsOfAnUninterruptedOne(@TempDir Path tmp)
      throws Exception {
    Path model = DemoResources.copy("chest-demo.onnx", tmp);
    DemoResources.copy("chest-demo.lumen.json", tmp);
    Path studies = Files.createDirectories(tmp.resolve("studies"));
    for (String name : List.of("study-1-nodule.png", "study-2-opacity.png", "study-3-normal.png",
        "study-4-nodule.png", "study-5-opacity.png", "study-6-normal.png")) {
      DemoResources.copy(name, studies);
    }
    String[] args = {"batch", model.toString(), studies.toString(), "-m", "occlusion", "--window", "8", "--stride", "4",
        "--all", "--batch", "1"};
    Path out = tmp.resolve("run");
    List<String> killed = new ArrayList<>(List.of(args));
    killed.addAll(List.of("-o", out.toString()));
    Process run = lumenProcess(tmp.resolve("log"), "-Xmx1g", killed.toArray(String[]::new));
    Path results = out.resolve(dev.lumen.app.batch.BatchJob.RESULTS);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (dev.lumen.app.batch.ResultTable.parts(results).size() < 2 && run.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(run.isAlive(), "the run is still going when it is killed: " + Files.readString(tmp.resolve("log")));
    } finally {
      run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);   // SIGKILL
    }
    int kept = dev.lumen.app.batch.ResultTable.parts(results).size();
    assertTrue(kept >= 2 && kept < 6, "stopped midway: " + kept);
    assertEquals(kept * 3, dev.lumen.app.batch.ResultTable.readAll(results).size(), "every part whole, 3 targets each");

    List<String> rerun = new ArrayList<>(killed);
    Run rest = lumen(rerun.toArray(String[]::new));
    assertEquals(0, rest.code(), rest.err());
    assertTrue(rest.out().contains((6 - kept) + " explained, 0 failed, " + kept + " done before"), rest.out());
    List<String> whole = new ArrayList<>(List.of(args));
    whole.addAll(List.of("-o", tmp.resolve("whole").toString()));
    assertEquals(0, lumen(whole.toArray(String[]::new)).code());
    java.util.Comparator<dev.lumen.app.batch.ResultRow> order = java.util.Comparator
        .comparing(dev.lumen.app.batch.ResultRow::key).thenComparing(dev.lumen.app.batch.ResultRow::target);
    assertEquals(dev.lumen.app.batch.ResultTable.readAll(tmp.resolve("whole").resolve("results")).stream()
        .sorted(order).toList(), dev.lumen.app.batch.ResultTable.readAll(results).stream().sorted(order).toList());
    try (Stream<Path> all = Files.walk(out)) {
      assertTrue(all.noneMatch(p -> p.getFileName().toString().contains(".partial")), "no leftovers");
    }
  }

  @Test
  void aStudyTooLargeForTheHeapIsRefusedBeforeItIsExplained(@TempDir Path tmp) throws Exception {
    Path model = DemoResources.copy("chest-demo.onnx", tmp);
    DemoResources.copy("chest-demo.lumen.json", tmp);
    Path big = tmp.resolve("big.png");
    java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(2400, 2400,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    javax.imageio.ImageIO.write(picture, "png", big.toFile());
    Path out = tmp.resolve("maps");
    Process run = lumenProcess(tmp.resolve("log"), "-Xmx256m", "explain", model.toString(), big.toString(), "--all",
        "-o", out.toString());
    assertTrue(run.waitFor(120, TimeUnit.SECONDS));
    String log = Files.readString(tmp.resolve("log"));
    assertEquals(3, run.exitValue(), log);
    String last = log.lines().filter(l -> l.startsWith("lumen: ")).reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("lumen: " + big + ": explaining 3 targets of 5760000 pixels needs about "), log);
    assertTrue(!log.contains("OutOfMemoryError") && !log.contains("\tat "), log);
    assertTrue(!Files.exists(out), "nothing written");
  }

  /** {@code lumen ARGS} in a new JVM with {@code heap} (e.g. -Xmx1g), its output in {@code log}. */
  private static Process lumenProcess(Path log, String heap, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), heap,
        "-cp", System.getProperty("java.class.path"), Lumen.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static int studiesIn(Path out) {
    try {
      return new ObjectMapper().readTree(out.resolve("manifest.json").toFile()).get("studies").size();
    } catch (IOException e) {
      return 0;
    }
  }
}
