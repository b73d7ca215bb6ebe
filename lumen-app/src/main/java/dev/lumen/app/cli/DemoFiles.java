package dev.lumen.app.cli;

import dev.lumen.app.demodata.ChestDataset;
import dev.lumen.app.demodata.KneeDataset;
import dev.lumen.app.output.Folders;
import dev.lumen.app.service.Datasets;
import dev.lumen.app.service.LumenService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The demo models and studies shipped in the jar: what {@code lumen demo} unpacks and {@code lumen serve} registers. */
final class DemoFiles {
  private static final String RESOURCES = "/dev/lumen/app/demo/";
  /** The shipped models the server registers. */
  private static final List<String> SERVED_MODELS = List.of("chest-demo", "chest-findings", "chest-shortcut",
      "knee-axial", "knee-coronal", "knee-sagittal");
  /** The demo datasets the server draws once and registers: chest studies with masks, knee exams in both splits. */
  private static final int CHEST_STUDIES = 12;
  private static final long CHEST_SEED = 2026;
  private static final int KNEE_EXAMS = 8;
  /** Gives each split of the 8 exams positive and negative exams of every label, which the plane combination needs. */
  private static final long KNEE_SEED = 9;
  private static final int SIZE = 256;

  private DemoFiles() {}

  /**
   * Unpacks the demo models and studies into {@code dir} and registers them with {@code service},
   * with the demo datasets, drawn into {@code dir/datasets} the first time.
   */
  static void register(LumenService service, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String model : SERVED_MODELS) {
      service.registerModel(copyModel(model, dir).toString());
    }
    for (Path study : unpack(Files.createDirectories(dir.resolve("studies")))) {
      if (!study.getFileName().toString().endsWith(".onnx") && !study.getFileName().toString().endsWith(".json")) {
        service.registerStudyFile(study.toString());
      }
    }
    Datasets datasets = new Datasets(service);
    Path chest = drawn(dir.resolve("datasets/chest-findings"), d -> ChestDataset.write(d, CHEST_STUDIES, CHEST_SEED, SIZE, 0));
    datasets.register(chest.resolve("train.csv").toString(), "chest findings (synthetic, with masks)");
    Path knee = drawn(dir.resolve("datasets/knee-exams"), d -> KneeDataset.write(d, KNEE_EXAMS, KNEE_SEED, SIZE, 0.5));
    datasets.register(knee.toString(), "knee MRI exams (synthetic, MRNet layout)");
  }

  /** Draws a dataset into {@code dir} once: into a temporary folder renamed into place, so it is whole or absent. */
  private static Path drawn(Path dir, Drawing drawing) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Path tmp = dir.resolveSibling("." + dir.getFileName() + ".partial");
    if (Files.exists(tmp)) {
      Folders.deleteTree(tmp);   // left by a server killed while drawing
    }
    Files.createDirectories(tmp);
    drawing.into(tmp);
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    return dir;
  }

  /** Writes a dataset into a folder. */
  @FunctionalInterface
  private interface Drawing {
    void into(Path dir) throws IOException;
  }

  /** Copies the shipped model {@code name} ({@code .onnx} and its card) into {@code dir}; returns the model. */
  static Path copyModel(String name, Path dir) throws IOException {
    copy(name + ".lumen.json", dir.resolve(name + ".lumen.json"));
    Path model = dir.resolve(name + ".onnx");
    copy(name + ".onnx", model);
    return model;
  }

  static List<Path> unpack(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String name : resource("index.txt").split("\n")) {
      if (name.isBlank()) {
        continue;
      }
      Path target = dir.resolve(name.trim());
      copy(name.trim(), target);
      files.add(target);
    }
    return files;
  }

  /** Copies the demo resource {@code name} to {@code target}. */
  static void copy(String name, Path target) throws IOException {
    try (InputStream in = DemoFiles.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("demo resource missing from the jar: " + name);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DemoFiles.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("demo resource missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
