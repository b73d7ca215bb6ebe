package dev.lumen.app.annotate;

import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.service.SeriesArchive;
import dev.lumen.app.service.StudyKind;
import dev.lumen.app.store.StudyRow;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Annotated studies as a zip that {@code lumen evaluate} reads once unpacked: {@code labels.csv}
 * (column {@code image}, a 0/1 column per label, a {@code mask:LABEL} column per label) over
 * {@code studies/ID-NAME.EXT} and {@code masks/ID-LABEL.png} (255 on the region). A study's
 * current annotations are taken as its findings: a label it has no region of is written 0.
 * Volumes go to {@code volumes.csv}, their masks as {@code uint8 [slices, height, width]}
 * {@code .npy} arrays (1 on the region), as MRNet-style masks are.
 */
public final class MaskExport {
  private MaskExport() {}

  /** Writes the zip of {@code studyIds} (every annotated study when empty) to {@code out}. */
  public static void write(LumenService service, Annotations annotations, List<String> studyIds, OutputStream out)
      throws IOException {
    List<String> ids = studyIds.isEmpty() ? service.store().annotatedStudies() : studyIds;
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no study has annotations to export");
    }
    List<String> images = new ArrayList<>();
    List<String> volumes = new ArrayList<>();
    Set<String> labels = new LinkedHashSet<>();
    for (String id : ids) {
      List<String> own = annotations.labels(id);
      if (own.isEmpty()) {
        throw new IllegalArgumentException("study " + id + " has no annotations to export");
      }
      labels.addAll(own);
      (service.studyShape(id)[0] == 1 && !service.study(id).kind().equals("volume") ? images : volumes).add(id);
    }
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      List<String> columns = new ArrayList<>(List.of("image"));
      columns.addAll(labels);
      labels.forEach(l -> columns.add("mask:" + l));
      if (!images.isEmpty()) {
        entry(zip, "labels.csv", csv(columns, rows(service, annotations, images, labels, zip, false)));
      }
      if (!volumes.isEmpty()) {
        entry(zip, "volumes.csv", csv(columns, rows(service, annotations, volumes, labels, zip, true)));
      }
    }
  }

  /** Writes each study and its masks into {@code zip}, returning its CSV rows. */
  private static List<List<String>> rows(LumenService service, Annotations annotations, List<String> ids,
      Set<String> labels, ZipOutputStream zip, boolean volume) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    for (String id : ids) {
      StudyRow study = service.study(id);
      String ext = StudyKind.extension(service.studyFile(id));
      String stem = study.name().replaceFirst("\\.[A-Za-z]+$", "").replaceAll("[^A-Za-z0-9._-]+", "_");
      String image = "studies/" + id + "-" + stem + (ext.equals("zip") ? "" : "." + ext);
      if (ext.equals("zip")) {
        // a DICOM series is exported as the folder of its files, which lumen evaluate reads as a study
        SeriesArchive.eachFile(service.studyFile(id),
            (file, data) -> entry(zip, image + "/" + file, data.readAllBytes()));
      } else {
        entry(zip, image, Files.readAllBytes(service.studyFile(id)));
      }
      int[] shape = service.studyShape(id);
      List<String> truth = new ArrayList<>();
      List<String> masks = new ArrayList<>();
      for (String label : labels) {
        boolean[][] mask = annotations.mask(id, label);
        truth.add(mask == null ? "0" : "1");
        if (mask == null) {
          masks.add("");
          continue;
        }
        String name = "masks/" + id + "-" + label + (volume ? ".npy" : ".png");
        entry(zip, name, volume ? annotations.maskNpy(id, label) : png(mask[0], shape[2], shape[1]));
        masks.add(name);
      }
      List<String> row = new ArrayList<>(List.of(image));
      row.addAll(truth);
      row.addAll(masks);
      rows.add(row);
    }
    return rows;
  }

  private static byte[] csv(List<String> header, List<List<String>> rows) throws IOException {
    List<List<String>> all = new ArrayList<>(List.of(header));
    all.addAll(rows);
    // quotes only where a value needs them, as a person writing the file would
    return new CsvMapper().writer(CsvSchema.emptySchema()).with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
        .writeValueAsString(all).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] png(boolean[] mask, int width, int height) throws IOException {
    BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] pixels = ((java.awt.image.DataBufferByte) picture.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < mask.length; i++) {
      pixels[i] = mask[i] ? (byte) 255 : 0;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(picture, "png", out);
    return out.toByteArray();
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(bytes);
    zip.closeEntry();
  }
}
