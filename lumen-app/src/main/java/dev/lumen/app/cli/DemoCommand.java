package dev.lumen.app.cli;

import dev.lumen.app.demodata.ChestDataset;
import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.app.output.ExplanationWriter;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.render.Overlay;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lumen demo}: Lumen's main job on built-in data, offline. Unpacks the shipped demo model
 * (a small CNN trained on synthetic chest radiographs) and its studies, predicts them and writes
 * CAM explanations of every label; then draws studies with ground truth ({@code lumen demo-data}),
 * explains the shipped multi-label findings model on them and scores its maps against the
 * findings' masks.
 */
@Command(name = "demo", description = "Explain the built-in demo studies with the built-in demo model (offline).")
final class DemoCommand implements Callable<Integer> {
  private static final String RESOURCES = "/dev/lumen/app/demo/";
  /** Synthetic studies with ground truth the demo draws. */
  private static final int GROUND_TRUTH_STUDIES = 8;
  /** The side the findings model was trained at; its studies are drawn at it (a resized drawing blurs small nodules). */
  private static final int MODEL_SIZE = 128;
  /** Regions above this normalised heat are boxed in the demo's boxes.png. */
  private static final float DEMO_BOXES = 0.7f;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("lumen-demo");

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    Path inputs = Files.createDirectories(out.resolve("inputs"));
    List<Path> files = unpack(inputs);
    Path modelFile = files.stream().filter(f -> f.toString().endsWith(".onnx")).findFirst().orElseThrow();
    List<Path> studies = files.stream().filter(f -> f.toString().endsWith(".png")).sorted().toList();
    try (Model model = Model.load(modelFile)) {
      Cam cam = Cam.of(model);
      Map<String, Object> header = ExplanationWriter.header(
          out.toAbsolutePath().relativize(modelFile.toAbsolutePath()).toString(), model, cam);
      ExplanationWriter writer = new ExplanationWriter(out.resolve("explanations"), Overlay.original(), DEMO_BOXES, header);
      List<Image> images = studies.stream().map(Images::read).toList();
      List<List<Explanation>> all = cam.explain(images, Targets.all());
      console.printf("model %s: %s, labels %s, CAM on layer %s%n", model.name(), model.task().cardName(),
          model.labels(), cam.layer());
      for (int i = 0; i < studies.size(); i++) {
        writer.write(studies.get(i), List.of(images.get(i)), all.get(i));
        LabelScore best = all.get(i).get(0).prediction().best();
        console.printf(Locale.ROOT, "  %-26s predicted %-8s %.3f%n", studies.get(i).getFileName(), best.label(),
            best.probability());
      }
      console.printf("wrote %s: per study and label an overlay (.png), raw and normalised maps (.npy); per study panel.png and boxes.png%n",
          writer.manifest());
      console.flush();
    }
    groundTruth(console);
    return 0;
  }

  /** Part two: synthetic studies with masks, the findings model's CAM on them, and how often it points at the finding. */
  private void groundTruth(PrintWriter console) throws IOException {
    Path dir = Files.createDirectories(out.resolve("ground-truth"));
    Path modelFile = dir.resolve("chest-findings.onnx");
    for (String name : List.of("chest-findings.onnx", "chest-findings.lumen.json")) {
      copy(name, dir.resolve(name));
    }
    Path studiesDir = dir.resolve("studies");
    ChestDataset.write(studiesDir, GROUND_TRUTH_STUDIES, 2026, MODEL_SIZE, 0);
    try (Model model = Model.load(modelFile)) {
      LabelledStudies data = LabelledStudies.read(studiesDir.resolve("train.csv"), model.labels());
      List<Image> images = data.studies().stream().map(s -> Images.read(s.image())).toList();
      Cam cam = Cam.of(model);
      Map<String, Object> header = ExplanationWriter.header(
          out.toAbsolutePath().relativize(modelFile.toAbsolutePath()).toString(), model, cam);
      ExplanationWriter writer = new ExplanationWriter(dir.resolve("explanations"), Overlay.original(), DEMO_BOXES, header);
      List<List<Explanation>> all = cam.explain(images, Targets.all());
      int findings = 0;
      int hits = 0;
      for (int i = 0; i < images.size(); i++) {
        LabelledStudies.Study study = data.studies().get(i);
        writer.write(study.image(), List.of(images.get(i)), all.get(i));
        for (Map.Entry<Integer, Path> mask : study.masks().entrySet()) {
          float[] region = Images.read(mask.getValue()).pixels().unsafeData();
          findings++;
          hits += MapAgreement.pointingHit(all.get(i).get(mask.getKey()).heatmap(0).unsafeData(), region, MODEL_SIZE,
              MapAgreement.pointingTolerance(MODEL_SIZE)) ? 1 : 0;
        }
      }
      console.printf(Locale.ROOT, "model %s: %s, labels %s; %d synthetic studies with masks in %s%n", model.name(),
          model.task().cardName(), model.labels(), images.size(), studiesDir);
      console.printf(Locale.ROOT, "CAM's maximum lies on the finding for %d of %d findings (pointing game); wrote %s%n",
          hits, findings, writer.manifest());
      console.flush();
    }
  }

  private List<Path> unpack(Path dir) throws IOException {
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
  private static void copy(String name, Path target) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("demo resource missing from the jar: " + name);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("demo resource missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
