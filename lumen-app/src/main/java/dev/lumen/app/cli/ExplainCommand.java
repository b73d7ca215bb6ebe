package dev.lumen.app.cli;

import dev.lumen.app.service.Studies;
import dev.lumen.app.output.ExplanationWriter;
import dev.lumen.app.service.Methods;
import dev.lumen.core.Ranges;
import dev.lumen.core.explain.Ensemble;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.lime.LimeResult;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.render.Colormap;
import dev.lumen.core.render.Overlay;
import dev.lumen.app.output.Folders;
import dev.lumen.app.pacs.DicomWebClient;
import dev.lumen.app.pacs.DicomWebStudies;
import dev.lumen.core.LumenException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lumen explain}: saliency maps for every study and target, written to a folder. */
@Command(name = "explain", description = "Write raw maps (.npy), normalised maps (.npy), overlays (.png) and manifest.json.")
final class ExplainCommand implements Callable<Integer> {
  @Mixin
  ModelOptions options;

  @Parameters(index = "1..*", paramLabel = "STUDY", description = "PNG/JPEG/DICOM images, .npy/NIfTI exams or DICOM "
      + "series folders for volume models, folders of them, or DICOMweb URLs (ROOT/studies/UID[/series/UID], "
      + "ROOT/studies?QUERY).")
  List<String> studies;

  @Option(names = {"-m", "--method"}, description = "Explanation method; `lumen methods` lists them (default: ${DEFAULT-VALUE}).")
  String method = "cam";

  @Option(names = "--layer", paramLabel = "TENSOR", split = ",",
      description = "The feature map to explain (default: the model's; `lumen inspect` lists them): several for the "
          + "gradient-weighted CAMs (averaged), one for eigencam, eigengradcam, guidedgradcam, scorecam, ablationcam, crm.")
  List<String> layer;

  @Option(names = "--views", description = "lime: superpixels shown in the region, pros-and-cons and hide-rest pictures (default: ${DEFAULT-VALUE}).")
  int views = 5;

  @Option(names = "--ensemble", paramLabel = "MODEL", split = ",",
      description = "Explain the ensemble of MODEL and these models (same labels): mean prediction, mean normalised map.")
  List<Path> ensemble = List.of();

  @Mixin
  MethodSettingsOptions methodSettings;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--add", description = "Add the studies to the run DIR holds (same model, method and layer), "
      + "skipping those it holds already; without it DIR must be empty or new.")
  boolean add;

  @ArgGroup(exclusive = true)
  TargetOptions targets = new TargetOptions();

  @Mixin
  RenderOptions render;

  @Mixin
  WindowOption dicom;

  @Mixin
  VolumeOptions volumes;

  @Option(names = "--dicom", description = "For DICOM studies (images, series folders), also write each map as DICOM "
      + "objects in the study: BASE.seg.dcm, a Segmentation of where the normalised map is at least --dicom-threshold, "
      + "and BASE.sc.dcm, the overlays as a Secondary Capture; both reference the source images.")
  boolean dicomObjects;

  @Option(names = "--stow", arity = "0..1", paramLabel = "ROOT", fallbackValue = "", description = "Store the "
      + "--dicom objects of each study with STOW-RS (implies --dicom): to the DICOMweb service at ROOT, or without "
      + "ROOT to the one the study came from.")
  String stow;

  @Option(names = "--dicom-threshold", paramLabel = "T", description = "--dicom: the normalised map's level that "
      + "bounds the segment (default: ${DEFAULT-VALUE}).")
  float dicomThreshold = 0.5f;

  @Spec
  CommandSpec spec;

  /** Which labels to explain; top-1 when none is given. */
  static final class TargetOptions {
    @Option(names = {"-t", "--target"}, paramLabel = "LABEL|INDEX", split = ",", description = "Explain these labels.")
    List<String> labels;

    @Option(names = "--top", paramLabel = "K", description = "Explain the K most probable labels.")
    Integer top;

    @Option(names = "--all", description = "Explain every label.")
    boolean all;

    /** The targets as {@code lumen batch}'s settings name them. */
    String toText() {
      return labels != null ? "labels:" + String.join(",", labels) : top != null ? "top:" + top : all ? "all" : "top1";
    }

    Targets toTargets() {
      return labels != null ? Targets.labels(labels) : top != null ? Targets.top(top) : all ? Targets.all() : Targets.top1();
    }
  }

  @Override
  public Integer call() throws Exception {
    Ranges.requireAtLeast("--views", views, 1);
    dicom.window();   // a malformed --voi or --plane is refused before any work
    volumes.plane();
    Ranges.requireUnit("--boxes", render.boxes);
    Ranges.requireUnit("--dicom-threshold", dicomThreshold);
    Overlay drawing = render.overlay();
    OutputPaths.requireWritableFolder(out);
    if (stow != null) {
      dicomObjects = true;
    }
    if (dicomObjects && volumes.plane() != null) {
      throw new IllegalArgumentException("--dicom writes objects over the source's own slices; it cannot follow "
          + "--plane, whose slices are resliced");
    }
    List<Model> others = new ArrayList<>();
    Path downloads = null;
    try (Model model = options.load(); Closer closer = () -> others.forEach(Model::close)) {
      List<Path> given = new ArrayList<>();
      Map<Path, DicomWebStudies.Fetched> fetched = new java.util.HashMap<>();
      for (String study : studies) {
        if (!DicomWebStudies.isReference(study)) {
          given.add(Path.of(study));
          continue;
        }
        downloads = downloads != null ? downloads : Files.createTempDirectory("lumen-dicomweb");
        for (DicomWebStudies.Fetched f : DicomWebStudies.fetch(study, model.input().volume(), downloads)) {
          given.add(f.local());
          fetched.put(f.local(), f);
        }
      }
      List<Path> files = Studies.expand(given, model.input().volume());
      if (dicomObjects) {
        files.forEach(Studies::requireDicom);
      }
      DicomWebClient stowTo = stow == null || stow.isEmpty() ? null : new DicomWebClient(URI.create(stow));
      if (stow != null && stowTo == null) {
        files.stream().filter(f -> !fetched.containsKey(f)).findFirst().ifPresent(f -> {
          throw new LumenException(f, "is a local study; --stow without ROOT stores to the DICOMweb service a study "
              + "came from");
        });
      }
      for (Path member : ensemble) {
        others.add(Model.load(member, ModelCard.besideModel(member), model.options()));
      }
      Explainer explainer = explainer(model, others);
      Map<String, Object> header = ExplanationWriter.header(options.model.toString(), model, explainer);
      if (!others.isEmpty()) {
        header.put("ensemble", ensemble.stream().map(Path::toString).toList());
      }
      header.put("dicomWindow", dicom.describe());
      if (volumes.frame != null) {
        header.put("frame", volumes.frame);
      }
      if (volumes.plane() != null) {
        header.put("plane", volumes.plane().name().toLowerCase(Locale.ROOT) + ", resliced in patient space");
      }
      ExplanationWriter writer = new ExplanationWriter(out, drawing, render.boxes, header, model.input().channels(), add);
      fetched.forEach((local, f) -> writer.nameSource(local, f.source()));
      Stower stower = (folder, study) -> {
        if (stow != null) {
          store(folder, stowTo != null ? stowTo : fetched.get(study).server());
        }
      };
      List<Path> held = files.stream().filter(writer::holds).toList();
      if (!held.isEmpty()) {
        // rerunning an interrupted command with --add finishes it
        spec.commandLine().getErr().printf(Locale.ROOT, "lumen: %s holds %d of these studies already; explaining the "
            + "other %d%n", out, held.size(), files.size() - held.size());
        files = files.stream().filter(f -> !held.contains(f)).toList();
      }
      Targets selection = targets.toTargets();
      PrintWriter console = spec.commandLine().getOut();
      try (ProgressBar bar = ProgressBars.start("explain", files.size())) {
        // long methods (occlusion, RISE, integrated gradients, ...) show how far the current studies are
        Progress within = (stage, done, total) -> bar.setExtraMessage(" " + stage + " " + done + "/" + total);
        if (model.input().volume()) {
          for (Path study : files) {
            Studies.Exam exam = Studies.exam(model, study, dicom.window(), volumes.plane(), volumes.frame);
            Volume volume = exam.volume();
            ExplanationWriter.requireMemory(Map.of(study, (long) volume.depth() * volume.slices().get(0).width()
                * volume.slices().get(0).height()), selection.count(model.labels().size()));
            List<LimeResult> limeResults = explainer instanceof Lime lime
                ? lime.explainDetailed(volume, selection, within) : null;
            List<Explanation> explanations = limeResults != null
                ? limeResults.stream().map(LimeResult::explanation).toList()
                : explainer.explain(volume, selection, within);
            ExplanationWriter.Extras extras = exam.affine() != null
                ? ExplanationWriter.niftiMaps(explanations, exam.affine()) : ExplanationWriter.NO_EXTRAS;
            if (dicomObjects) {
              extras = extras.and(writer.dicomObjects(volume.slices(), explanations,
                  exam.dicomSources().get(), dicomThreshold));
            }
            Path written = limeResults != null
                ? writer.writeLime(study, volume.slices(),
                    List.of(model.preprocessor().geometry(volume.slices().get(0))), limeResults, views, extras)
                : writer.write(study, volume.slices(), explanations, extras);
            stower.store(written, study);
            bar.step();
          }
        } else {
          for (List<Path> chunk : Studies.chunks(files, model.options().batchSize())) {
            List<Image> images = Studies.images(model, chunk, dicom.window());
            Map<Path, Long> pixels = new java.util.LinkedHashMap<>();
            for (int i = 0; i < chunk.size(); i++) {
              pixels.put(chunk.get(i), (long) images.get(i).width() * images.get(i).height());
            }
            ExplanationWriter.requireMemory(pixels, selection.count(model.labels().size()));
            if (explainer instanceof Lime lime) {
              List<List<LimeResult>> all = lime.explainDetailed(images, selection, within);
              for (int i = 0; i < chunk.size(); i++) {
                List<Explanation> explanations = all.get(i).stream().map(LimeResult::explanation).toList();
                stower.store(writer.writeLime(chunk.get(i), List.of(images.get(i)),
                    List.of(model.preprocessor().geometry(images.get(i))), all.get(i), views,
                    dicomExtras(writer, chunk.get(i), images.get(i), explanations)), chunk.get(i));
                bar.step();
              }
              continue;
            }
            List<List<Explanation>> all = explainer.explain(images, selection, within);
            for (int i = 0; i < chunk.size(); i++) {
              stower.store(writer.write(chunk.get(i), List.of(images.get(i)), all.get(i),
                  dicomExtras(writer, chunk.get(i), images.get(i), all.get(i))), chunk.get(i));
              bar.step();
            }
          }
        }
      }
      console.printf(Locale.ROOT, "wrote %s (%d studies, method %s, layer %s)%n", writer.manifest(),
          files.size(), explainer.method(), explainer.layer());
      console.flush();
    } finally {
      if (downloads != null) {
        Folders.deleteTree(downloads);   // patients' images are not left behind in the temporary folder
      }
    }
    return 0;
  }

  /** With {@code --dicom}, the DICOM objects of a 2D study's maps; else none. */
  private ExplanationWriter.Extras dicomExtras(ExplanationWriter writer, Path study, Image image,
      List<Explanation> explanations) {
    return dicomObjects
        ? writer.dicomObjects(List.of(image), explanations, Studies.dicomSources(List.of(study)), dicomThreshold)
        : ExplanationWriter.NO_EXTRAS;
  }

  /** Stores the DICOM objects written for a study, when asked to. */
  @FunctionalInterface
  private interface Stower {
    void store(Path folder, Path study) throws IOException;
  }

  /** Stores the DICOM objects in a study's {@code folder} with STOW-RS at {@code server}. */
  private void store(Path folder, DicomWebClient server) throws IOException {
    List<Path> objects;
    try (var listing = Files.list(folder)) {
      objects = listing.filter(f -> f.getFileName().toString().endsWith(".dcm")).sorted().toList();
    }
    int stored = server.store(objects);
    spec.commandLine().getErr().printf(Locale.ROOT, "lumen: stored %d DICOM objects of %s at %s%n", stored,
        folder.getFileName(), server.root());
  }

  /** Closes what it holds; no checked exception. */
  private interface Closer extends AutoCloseable {
    @Override
    void close();
  }

  /** The explainer for {@code model}, or for its ensemble with {@code others}. */
  private Explainer explainer(Model model, List<Model> others) {
    if (others.isEmpty()) {
      return explainer(model);
    }
    if (layer != null) {
      throw new IllegalArgumentException("--layer names one model's tensor; it cannot apply to an --ensemble");
    }
    List<Model> all = new ArrayList<>(List.of(model));
    all.addAll(others);
    return Ensemble.of(all, this::explainer);
  }

  private Explainer explainer(Model model) {
    return Methods.create(method, model, methodSettings.settings(), layer);
  }

  /** How overlays are drawn. */
  static final class RenderOptions {
    @Option(names = "--colormap", description = "jet, viridis, inferno or gray (default: ${DEFAULT-VALUE}).")
    String colormap = "jet";

    @Option(names = "--alpha", description = "Weight of the heat map colour (default: ${DEFAULT-VALUE}).")
    float alpha = 0.3f;

    @Option(names = "--beta", description = "Weight of the image (default: ${DEFAULT-VALUE}).")
    float beta = 0.5f;

    @Option(names = "--threshold", description = "Heat below this is transparent, in [0, 1] (default: ${DEFAULT-VALUE}).")
    float threshold = 0f;

    @Option(names = "--boxes", paramLabel = "THRESHOLD",
        description = "Box the regions whose normalised heat is at least THRESHOLD, in (0, 1]; 0 = no boxes (default: ${DEFAULT-VALUE}).")
    float boxes = 0f;

    Overlay overlay() {
      return new Overlay(Colormap.named(colormap), alpha, beta, threshold);
    }
  }
}
