package dev.lumen.app.cli;

import dev.lumen.app.demodata.ChestDataset;
import dev.lumen.app.demodata.KneeDataset;
import dev.lumen.app.demodata.KneePhantom;
import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.app.exam.ExamModel;
import dev.lumen.app.exam.MrnetSplit;
import dev.lumen.app.output.ExplanationWriter;
import dev.lumen.app.output.Folders;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.render.Overlay;
import dev.lumen.core.runtime.EngineOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lumen demo}: Lumen's main job on built-in data, offline. Unpacks the shipped demo model
 * (a small CNN trained on synthetic chest radiographs) and its studies, predicts them and writes
 * CAM explanations of every label; then draws studies with ground truth ({@code lumen demo-data}),
 * explains the shipped multi-label findings model on them and scores its maps against the
 * findings' masks; shows on the shortcut model that its maps land on a laterality marker; and
 * draws knee exams, scores them with the three MRNet-style plane models and their fitted
 * combination, and explains every slice of the sagittal stack.
 */
@Command(name = "demo", description = "Explain the built-in demo studies with the built-in demo model (offline).")
final class DemoCommand implements Callable<Integer> {
  /** Synthetic studies with ground truth the demo draws. */
  private static final int GROUND_TRUTH_STUDIES = 8;
  /** The sides the findings and shortcut models were trained at; their studies are drawn at them. */
  private static final int FINDINGS_SIZE = 256;
  private static final int SHORTCUT_SIZE = 128;
  /** Knee exams the demo draws, at MRNet's 256 pixels per slice; their seed gives one meniscal and one ACL tear. */
  private static final int KNEE_EXAMS = 3;
  private static final long KNEE_SEED = 11;
  private static final int KNEE_SIZE = 256;
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
    List<Path> files = DemoFiles.unpack(inputs);
    Path modelFile = files.stream().filter(f -> f.toString().endsWith(".onnx")).findFirst().orElseThrow();
    List<Path> studies = files.stream().filter(f -> f.toString().endsWith(".png")).sorted().toList();
    try (Model model = Model.load(modelFile)) {
      Cam cam = Cam.of(model);
      ExplanationWriter writer = writer(out, modelFile, model, cam);
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
    shortcut(console);
    knee(console);
    return 0;
  }

  /** Part two: synthetic studies with masks, the findings model's CAM on them, and how often it points at the finding. */
  private void groundTruth(PrintWriter console) throws IOException {
    Path dir = Files.createDirectories(out.resolve("ground-truth"));
    Path modelFile = DemoFiles.copyModel("chest-findings", dir);
    Path studiesDir = dir.resolve("studies");
    ChestDataset.write(studiesDir, GROUND_TRUTH_STUDIES, 2026, FINDINGS_SIZE, 0);
    try (Model model = Model.load(modelFile)) {
      LabelledStudies data = LabelledStudies.read(studiesDir.resolve("train.csv"), model.labels());
      List<Image> images = data.studies().stream().map(s -> Images.read(s.image())).toList();
      Cam cam = Cam.of(model);
      ExplanationWriter writer = writer(dir, modelFile, model, cam);
      List<List<Explanation>> all = cam.explain(images, Targets.all());
      int findings = 0;
      int hits = 0;
      for (int i = 0; i < images.size(); i++) {
        LabelledStudies.Study study = data.studies().get(i);
        writer.write(study.image(), List.of(images.get(i)), all.get(i));
        for (Map.Entry<Integer, Path> mask : study.masks().entrySet()) {
          findings++;
          hits += hit(all.get(i).get(mask.getKey()).heatmap(0).unsafeData(), mask.getValue()) ? 1 : 0;
        }
      }
      console.printf(Locale.ROOT, "model %s: %s, labels %s; %d synthetic studies with masks in %s%n", model.name(),
          model.task().cardName(), model.labels(), images.size(), studiesDir);
      console.printf(Locale.ROOT, "CAM's maximum lies on the finding for %d of %d findings (pointing game); wrote %s%n",
          hits, findings, writer.manifest());
      console.flush();
    }
  }

  /** Part three: a model that learnt a laterality marker instead of the nodule, and CAM showing it. */
  private void shortcut(PrintWriter console) throws IOException {
    Path dir = Files.createDirectories(out.resolve("shortcut"));
    Path modelFile = DemoFiles.copyModel("chest-shortcut", dir);
    Path studiesDir = dir.resolve("studies");
    ChestDataset.writeShortcut(studiesDir, GROUND_TRUTH_STUDIES * 2, 2026, SHORTCUT_SIZE, 0);
    try (Model model = Model.load(modelFile)) {
      LabelledStudies data = LabelledStudies.read(studiesDir.resolve("train.csv"), model.labels());
      int nodule = model.labels().indexOf(ChestDataset.SHORTCUT_FINDING);
      List<LabelledStudies.Study> positives = data.studies().stream().filter(s -> s.truth()[nodule]).toList();
      List<Image> images = positives.stream().map(s -> Images.read(s.image())).toList();
      Cam cam = Cam.of(model);
      ExplanationWriter writer = writer(dir, modelFile, model, cam);
      List<List<Explanation>> all = cam.explain(images, Targets.labels(List.of(ChestDataset.SHORTCUT_FINDING)));
      int nearerMarker = 0;
      for (int i = 0; i < images.size(); i++) {
        LabelledStudies.Study study = positives.get(i);
        writer.write(study.image(), List.of(images.get(i)), all.get(i));
        float[] heat = all.get(i).get(0).heatmap(0).unsafeData();
        nearerMarker += distance(heat, study.regions().get("marker")) < distance(heat, study.masks().get(nodule)) ? 1 : 0;
      }
      console.printf(Locale.ROOT, "model %s learnt a shortcut: its training studies carry an R marker exactly when "
          + "they show a nodule; CAM of '%s' peaks nearer the marker than the nodule in %d of %d nodule studies; "
          + "wrote %s%n", model.name(), ChestDataset.SHORTCUT_FINDING, nearerMarker, images.size(), writer.manifest());
      console.flush();
    }
  }

  /** How far the maximum of {@code heat} lies from the mask in {@code maskFile}, in pixels. */
  private static double distance(float[] heat, Path maskFile) {
    return MapAgreement.distanceFromPeak(heat, Images.read(maskFile).pixels().unsafeData(), SHORTCUT_SIZE);
  }

  /** Whether the maximum of {@code heat} lies on the mask in {@code maskFile} (the pointing game). */
  private static boolean hit(float[] heat, Path maskFile) {
    return MapAgreement.pointingHit(heat, Images.read(maskFile).pixels().unsafeData(), FINDINGS_SIZE,
        MapAgreement.pointingTolerance(FINDINGS_SIZE));
  }

  /** Part four: knee exams in the MRNet layout, scored per plane and combined, the sagittal stack explained. */
  private void knee(PrintWriter console) throws IOException {
    Path dir = Files.createDirectories(out.resolve("knee"));
    for (String plane : MrnetSplit.PLANES) {
      DemoFiles.copyModel("knee-" + plane, dir);
    }
    Path examModel = dir.resolve("knee" + ExamModel.SUFFIX);
    DemoFiles.copy(examModel.getFileName().toString(), examModel);
    Path exams = dir.resolve("exams");
    KneeDataset.write(exams, KNEE_EXAMS, KNEE_SEED, KNEE_SIZE, 0);
    MrnetSplit split = MrnetSplit.read(exams.resolve("train"), List.of(KneePhantom.LABELS));
    Path sagittalFile = dir.resolve("knee-sagittal.onnx");
    try (ExamModel model = ExamModel.load(examModel, EngineOptions.defaults()); Model sagittal = Model.load(sagittalFile)) {
      Cam cam = Cam.of(sagittal);
      ExplanationWriter writer = writer(dir, sagittalFile, sagittal, cam);
      for (String id : split.ids()) {
        ExamModel.ExamPrediction p = model.predict(split, id);
        StringBuilder line = new StringBuilder();
        for (int l = 0; l < model.labels().size(); l++) {
          line.append(String.format(Locale.ROOT, "  %s %.3f (truth %d)", model.labels().get(l), p.probabilities()[l],
              split.truth().get(id)[l] ? 1 : 0));
        }
        console.printf(Locale.ROOT, "knee exam %s:%s%n", id, line);
        Path stack = split.stack(id, "sagittal");
        Volume volume = Images.readNpyVolume(stack);
        writer.write(stack, volume.slices(), cam.explain(volume, Targets.all()));
      }
      console.printf(Locale.ROOT, "model %s: %s plane models combined by logistic regression; %d knee exams in the "
          + "MRNet layout in %s; CAM of every sagittal slice in %s%n", model.name(), MrnetSplit.PLANES.size(),
          split.ids().size(), exams, writer.manifest());
      console.flush();
    }
  }

  /** A writer of {@code explainer}'s maps into {@code dir/explanations}, the model named relative to the demo folder. */
  private ExplanationWriter writer(Path dir, Path modelFile, Model model, Explainer explainer) throws IOException {
    Map<String, Object> header = ExplanationWriter.header(
        out.toAbsolutePath().relativize(modelFile.toAbsolutePath()).toString(), model, explainer);
    // the demo rewrites its own folder: the previous demo's explanations make way for this one's
    Folders.deleteTree(dir.resolve("explanations"));
    return new ExplanationWriter(dir.resolve("explanations"), Overlay.original(), DEMO_BOXES, header,
        model.input().channels(), false);
  }
}
