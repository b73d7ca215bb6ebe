package dev.lumen.app.service;

import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.app.exam.MrnetSplit;
import dev.lumen.app.store.DatasetRow;
import dev.lumen.core.LumenException;
import dev.lumen.core.io.Hashes;
import dev.lumen.core.io.Npy;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Datasets registered with the server and read in place: a labels CSV as {@code lumen evaluate}
 * reads it, a folder in the MRNet layout as {@code lumen evaluate-mrnet} reads it, or a folder of
 * studies. A dataset is split into cases — a study of a CSV or folder, numbered from 1 in file
 * order, or an MRNet exam with its three plane stacks, by exam id — each with its truth and its
 * findings' masks where the dataset has them. A case's files become studies of the store when
 * the case is opened, so registering even a large archive costs only a listing.
 */
public final class Datasets {
  private static final Pattern LABEL_FILE = Pattern.compile("(train|valid)-(.+)\\.csv");

  /**
   * One case.
   *
   * @param id the case's id within its dataset
   * @param split {@code train} or {@code valid} for an MRNet exam, else empty
   * @param name what the dataset calls it: the image as the CSV names it, or the exam id
   * @param truth per label the dataset annotates, 1 or 0
   * @param studies the files: {@code image}, or one per plane
   * @param masks the findings' masks, by label ({@code PLANE/LABEL} for exams)
   */
  public record Case(String id, String split, String name, Map<String, Integer> truth, Map<String, Path> studies,
                     Map<String, Path> masks) {}

  private final LumenService service;
  private final Map<String, Listing> listings = new java.util.concurrent.ConcurrentHashMap<>();

  /** The datasets of {@code service}'s store, read through its readable folders. */
  public Datasets(LumenService service) {
    this.service = service;
  }

  /**
   * Registers the dataset at {@code path}, after reading it once: a {@code .csv} file is a labels
   * CSV; a folder with {@code train/} or {@code valid/} holding plane folders is in the MRNet
   * layout; any other folder must hold studies (PNG, JPEG, {@code .npy}).
   *
   * @throws LumenException naming the file when the dataset cannot be read
   */
  public DatasetRow register(String path, String name) {
    Path real = service.allowed(path);
    String kind = kindOf(real);
    DatasetRow row = new DatasetRow(Hashes.sha256((kind + "\n" + real).getBytes(StandardCharsets.UTF_8))
        .substring(0, 16), name == null || name.isBlank() ? real.getFileName().toString() : name.strip(), kind,
        real.toString(), System.currentTimeMillis());
    cases(row);
    service.store().putDataset(row);
    return service.store().dataset(row.id()).orElse(row);
  }

  private static String kindOf(Path real) {
    if (Files.isRegularFile(real)) {
      if (!real.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
        throw new LumenException(real, "is neither a labels CSV nor a folder of studies or MRNet exams");
      }
      return "labels";
    }
    for (String split : List.of("train", "valid")) {
      if (Files.isDirectory(real.resolve(split).resolve(MrnetSplit.PLANES.get(0)))) {
        return "mrnet";
      }
    }
    return "folder";
  }

  /** The dataset {@code id}. */
  public DatasetRow dataset(String id) {
    return service.store().dataset(id).orElseThrow(() -> new NotFoundException("dataset", id));
  }

  /** The labels the dataset annotates, in its order. */
  public List<String> labels(DatasetRow dataset) {
    return switch (dataset.kind()) {
      case "labels" -> LabelledStudies.labelsOf(Path.of(dataset.path()));
      case "mrnet" -> mrnetLabels(Path.of(dataset.path()));
      default -> List.of();
    };
  }

  /**
   * Every case of the dataset, read from its files — again only when they changed: the listing
   * is kept with the sizes and times of the files and folders it came from.
   */
  public List<Case> cases(DatasetRow dataset) {
    String signature = signature(dataset);
    Listing kept = listings.get(dataset.id());
    if (kept != null && kept.signature().equals(signature)) {
      return kept.cases();
    }
    Path path = Path.of(dataset.path());
    List<Case> cases = switch (dataset.kind()) {
      case "labels" -> csvCases(path);
      case "mrnet" -> examCases(path);
      default -> folderCases(path);
    };
    listings.put(dataset.id(), new Listing(signature, List.copyOf(cases)));
    return cases;
  }

  /** A dataset's cases as last read, with the signature of the files they were read from. */
  private record Listing(String signature, List<Case> cases) {}

  /**
   * The size and modification time of the dataset's file, or of its folders (a folder's time
   * changes when files come or go) and, for MRNet, of the label files beside the splits.
   */
  private static String signature(DatasetRow dataset) {
    Path root = Path.of(dataset.path());
    List<Path> places = new ArrayList<>(List.of(root));
    if (dataset.kind().equals("mrnet")) {
      try (Stream<Path> labels = Files.list(root)) {
        labels.filter(f -> LABEL_FILE.matcher(f.getFileName().toString()).matches()).sorted().forEach(places::add);
      } catch (IOException e) {
        return "unreadable:" + System.nanoTime();   // read it afresh, which says what is wrong
      }
      for (String split : splits(root)) {
        places.add(root.resolve(split));
        MrnetSplit.PLANES.forEach(plane -> places.add(root.resolve(split).resolve(plane)));
        places.add(root.resolve(split).resolve("masks"));
      }
    }
    StringBuilder out = new StringBuilder();
    for (Path place : places) {
      out.append(place).append(':').append(place.toFile().lastModified()).append(':').append(place.toFile().length())
          .append(';');
    }
    return out.toString();
  }

  /** Case {@code caseId} of the dataset. */
  public Case find(DatasetRow dataset, String caseId) {
    return cases(dataset).stream().filter(c -> c.id().equals(caseId)).findFirst()
        .orElseThrow(() -> new NotFoundException("case", caseId + "' in dataset '" + dataset.id()));
  }

  /** The case's files registered as studies of the store (once: studies are named by content): their ids. */
  public Map<String, String> studies(Case c) {
    Map<String, String> ids = new LinkedHashMap<>();
    for (Map.Entry<String, Path> file : c.studies().entrySet()) {
      try {
        ids.put(file.getKey(), service.registerStudyFile(file.getValue().toString()).id());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ids;
  }

  /**
   * The case's mask {@code key} (a label, or {@code PLANE/LABEL} for an exam) as the bytes of a
   * {@code uint8 [slices, height, width]} {@code .npy} array, 1 on the finding.
   */
  public byte[] mask(Case c, String key) {
    Path file = c.masks().get(key);
    if (file == null) {
      throw new NotFoundException("mask", key + "' of case '" + c.id() + "' (it has " + c.masks().keySet() + ")");
    }
    Path real = service.allowed(file.toString());
    Tensor values = LabelledStudies.maskStack(real);
    float[] v = values.unsafeData();
    byte[] body = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      body[i] = v[i] != 0 ? (byte) 1 : 0;
    }
    return Npy.encode("|u1", values.shape(), body);
  }

  private static List<Case> csvCases(Path file) {
    LabelledStudies data = LabelledStudies.read(file, LabelledStudies.labelsOf(file));
    List<String> labels = LabelledStudies.labelsOf(file);
    Path folder = file.toAbsolutePath().getParent();
    List<Case> out = new ArrayList<>();
    for (int s = 0; s < data.studies().size(); s++) {
      LabelledStudies.Study study = data.studies().get(s);
      Map<String, Integer> truth = new LinkedHashMap<>();
      data.annotated().forEach(l -> truth.put(labels.get(l), study.truth()[l] ? 1 : 0));
      Map<String, Path> masks = new LinkedHashMap<>();
      study.masks().forEach((l, mask) -> masks.put(labels.get(l), mask));
      study.regions().forEach((region, mask) -> masks.put("region:" + region, mask));
      out.add(new Case(String.valueOf(s + 1), "", folder.relativize(study.image().toAbsolutePath()).toString(), truth,
          Map.of("image", study.image()), masks));
    }
    return out;
  }

  private static List<Case> folderCases(Path folder) {
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT)
          .matches(".*\\.(png|jpe?g|npy)")).sorted().toList();
    } catch (IOException e) {
      throw new LumenException(folder, "cannot be listed: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new LumenException(folder, "holds no studies (.png, .jpg, .jpeg, .npy) and no MRNet splits "
          + "(train/ or valid/ with axial, coronal and sagittal folders)");
    }
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      out.add(new Case(String.valueOf(i + 1), "", files.get(i).getFileName().toString(), Map.of(),
          Map.of("image", files.get(i)), Map.of()));
    }
    return out;
  }

  /** The labels with a label file for every split the folder holds. */
  private static List<String> mrnetLabels(Path folder) {
    Map<String, List<String>> perSplit = new LinkedHashMap<>();
    try (Stream<Path> list = Files.list(folder)) {
      list.map(f -> LABEL_FILE.matcher(f.getFileName().toString())).filter(Matcher::matches)
          .forEach(m -> perSplit.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(m.group(1)));
    } catch (IOException e) {
      throw new LumenException(folder, "cannot be listed: " + e.getMessage(), e);
    }
    List<String> splits = splits(folder);
    return perSplit.entrySet().stream().filter(e -> e.getValue().containsAll(splits)).map(Map.Entry::getKey).sorted()
        .toList();
  }

  private static List<String> splits(Path folder) {
    return Stream.of("train", "valid").filter(s -> Files.isDirectory(folder.resolve(s))).toList();
  }

  private static List<Case> examCases(Path folder) {
    List<String> labels = mrnetLabels(folder);
    List<Case> out = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (String split : splits(folder)) {
      MrnetSplit exams = MrnetSplit.read(folder.resolve(split), labels);
      for (String id : exams.ids()) {
        String earlier = seen.put(id, split);
        if (earlier != null) {
          throw new LumenException(folder, "exam " + id + " is in both " + earlier + "/ and " + split + "/: exam ids "
              + "must be unique across the splits, as MRNet's are");
        }
        Map<String, Integer> truth = new LinkedHashMap<>();
        Map<String, Path> studies = new LinkedHashMap<>();
        Map<String, Path> masks = new LinkedHashMap<>();
        for (int l = 0; l < labels.size(); l++) {
          truth.put(labels.get(l), exams.truth().get(id)[l] ? 1 : 0);
        }
        for (String plane : MrnetSplit.PLANES) {
          studies.put(plane, exams.stack(id, plane));
          for (String label : labels) {
            if (Files.isRegularFile(exams.mask(id, plane, label))) {
              masks.put(plane + "/" + label, exams.mask(id, plane, label));
            }
          }
        }
        out.add(new Case(id, split, id, truth, studies, masks));
      }
    }
    return out;
  }
}
