package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.image.Images;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lumen convert} writing NIfTI that nibabel reads back in the right place: a NIfTI
 * volume's voxels and world coordinates survive, and a DICOM series lands where its Image
 * Positions say (checked with Debian's nibabel and pydicom, not with Lumen's own reader).
 */
class ConvertTest {
  private static final Path REFERENCES = Path.of(System.getProperty("lumen.dicomReferences", "build/dicom-references"));

  /** Runs a Python check with Debian's interpreter; its last line of output. */
  private static String python(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out.strip().lines().reduce((a, b) -> b).orElse("");
  }

  @Test
  void aNiftiVolumeConvertsToNiftiThatOverlaysItsSource(@TempDir Path tmp) throws Exception {
    Path source = Path.of(Files.readAllLines(REFERENCES.resolve("nifti.tsv")).get(0).split("\t")[0]);
    Path out = tmp.resolve("anatomical.nii.gz");
    CliTest.Run r = CliTest.lumen("convert", source.toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("25 slices of 33x41"), r.out());
    String check = """
        import sys, numpy as np, nibabel as nib
        a, b = nib.load(sys.argv[1]), nib.load(sys.argv[2])
        x, y = a.get_fdata(), b.get_fdata()
        assert y.shape == x.shape, (y.shape, x.shape)
        assert np.allclose(y, x), 'voxels'
        assert np.allclose(a.affine, b.affine, atol=1e-4), (a.affine, b.affine)
        print('ok')
        """;
    assertEquals("ok", python(check, source.toString(), out.toString()));
  }

  @Test
  void aDicomSeriesConvertsToNiftiWhereItsPositionsSay(@TempDir Path tmp) throws Exception {
    Path pydicom = Path.of(Files.readString(REFERENCES.resolve("source.txt")).trim());
    Path series = pydicom.resolve("dicomdirtests/98892001/CT5N");
    Path out = tmp.resolve("ct.nii.gz");
    CliTest.Run r = CliTest.lumen("convert", series.toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("DICOM series of 5 files"), r.out());
    String check = """
        import sys, glob, os, numpy as np, nibabel as nib, pydicom
        image = nib.load(sys.argv[1])
        sets = [pydicom.dcmread(f) for f in glob.glob(os.path.join(sys.argv[2], '*'))]
        o = np.array(sets[0].ImageOrientationPatient, dtype=float)
        normal = np.cross(o[:3], o[3:])
        sets.sort(key=lambda ds: np.dot(np.array(ds.ImagePositionPatient, dtype=float), normal))
        assert image.shape == (int(sets[0].Columns), int(sets[0].Rows), len(sets)), image.shape
        lps_to_ras = np.array([-1, -1, 1])
        spacing = np.array(sets[0].PixelSpacing, dtype=float)
        # the first row is the last y (Lumen reads y = 0 last)
        last = image.shape[1] - 1
        for k, ds in enumerate(sets):
            corner = image.affine @ [0, last, k, 1]
            assert np.allclose(corner[:3], lps_to_ras * np.array(ds.ImagePositionPatient, dtype=float), atol=1e-3), k
            step = image.affine @ [1, last, k, 1] - corner
            assert np.allclose(step[:3], lps_to_ras * o[:3] * spacing[1], atol=1e-4), step
            step = image.affine @ [0, last - 1, k, 1] - corner
            assert np.allclose(step[:3], lps_to_ras * o[3:] * spacing[0], atol=1e-4), step
            # the slice's rows from the last y down are the file's, through its window onto 0-255 (PS3.3 C.11.2.1.2)
            hu = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
            c, w = 40.0, 400.0
            assert (float(ds.WindowCenter), float(ds.WindowWidth)) == (c, w), k
            shown = np.clip((hu - (c - 0.5)) / (w - 1) + 0.5, 0, 1) * 255
            assert np.allclose(image.get_fdata()[:, :, k].T[::-1], shown, atol=1e-3), k
        print('ok')
        """;
    assertEquals("ok", python(check, out.toString(), series.toString()));
  }

  /**
   * A DICOM series resliced coronal and sagittal: nibabel reads the written volume, and every voxel
   * holds what SciPy's trilinear interpolation of the unresliced volume gives at the voxel's RAS
   * position (zero outside it), so both the values and the written affine are right.
   */
  @Test
  void aResliceHoldsTheSourcesValuesWhereItsAffineSays(@TempDir Path tmp) throws Exception {
    Path pydicom = Path.of(Files.readString(REFERENCES.resolve("source.txt")).trim());
    Path series = pydicom.resolve("dicomdirtests/98892001/CT5N");
    Path source = tmp.resolve("ct.nii.gz");
    assertEquals(0, CliTest.lumen("convert", series.toString(), source.toString()).code());
    for (String plane : List.of("coronal", "sagittal")) {
      Path out = tmp.resolve(plane + ".nii.gz");
      CliTest.Run r = CliTest.lumen("convert", series.toString(), out.toString(), "--plane", plane);
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("resliced " + plane), r.out());
      String check = """
          import sys, numpy as np, nibabel as nib
          from scipy.ndimage import map_coordinates
          src, out = nib.load(sys.argv[1]), nib.load(sys.argv[2])
          x, y = src.get_fdata(), out.get_fdata()
          ijk = np.indices(y.shape).reshape(3, -1)
          world = out.affine @ np.vstack([ijk, np.ones(ijk.shape[1])])
          at = (np.linalg.inv(src.affine) @ world)[:3]
          # the file's affines are float32: positions on the source's edge are within 1e-3 of a voxel
          top = np.array(x.shape)[:, None] - 1
          inside = np.all((at > -1e-3) & (at < top + 1e-3), axis=0)
          outside = np.any((at < -1e-3) | (at > top + 1e-3), axis=0)
          want = map_coordinates(x, np.clip(at, 0, top), order=1)
          got = y.reshape(-1)
          assert inside.sum() > 0.5 * x.size, inside.sum()
          assert np.allclose(got[inside], want[inside], atol=0.05), np.abs(got[inside] - want[inside]).max()
          assert np.all(got[outside] == 0)
          print('ok')
          """;
      assertEquals("ok", python(check, source.toString(), out.toString()), plane);
    }
    CliTest.Run flat = CliTest.lumen("convert", pydicom.resolve("CT_small.dcm").toString(), tmp.resolve("x.npy")
        .toString(), "--plane", "axial");
    assertEquals(3, flat.code(), flat.err());
    assertTrue(flat.err().contains("has no geometry in patient space"), flat.err());
  }

  /** {@code --frame} picks a volume of a 4D series: nibabel reads the written volume as the series' frame. */
  @Test
  void aFrameOfATimeSeriesConvertsToThatVolume(@TempDir Path tmp) throws Exception {
    Path series = Files.readAllLines(REFERENCES.resolve("nifti.tsv")).stream().map(l -> Path.of(l.split("\t")[0]))
        .filter(p -> p.getFileName().toString().equals("example4d.nii.gz")).findFirst().orElseThrow();
    Path out = tmp.resolve("frame1.nii.gz");
    CliTest.Run r = CliTest.lumen("convert", series.toString(), out.toString(), "--frame", "1");
    assertEquals(0, r.code(), r.err());
    String check = """
        import sys, numpy as np, nibabel as nib
        a, b = nib.load(sys.argv[1]), nib.load(sys.argv[2])
        x, y = a.get_fdata()[..., 1], b.get_fdata()
        assert y.shape == x.shape, (y.shape, x.shape)
        assert np.allclose(y, x), 'voxels'
        print('ok')
        """;
    assertEquals("ok", python(check, series.toString(), out.toString()));
    CliTest.Run none = CliTest.lumen("convert", series.toString(), tmp.resolve("x.nii.gz").toString());
    assertEquals(3, none.code(), none.err());
    assertTrue(none.err().contains("pick one with --frame 0..1"), none.err());
  }

  /** A plane model explains a brain volume resliced sagittal: a map per sagittal slice, written over the scan. */
  @Test
  void aPlaneModelExplainsAVolumeReslicedIntoItsPlane(@TempDir Path tmp) throws Exception {
    Path brain = Path.of("/usr/share/mricron/templates/JHU-WhiteMatter-labels-2mm.nii.gz");
    Path model = DemoFiles.copyModel("knee-sagittal", tmp);
    Path out = tmp.resolve("maps");
    CliTest.Run r = CliTest.lumen("explain", model.toString(), brain.toString(), "-o", out.toString(), "--plane",
        "sagittal", "--target", "acl");
    assertEquals(0, r.code(), r.err());
    var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("manifest.json").toFile());
    assertTrue(manifest.get("plane").asText().startsWith("sagittal"), manifest.toString());
    var entry = manifest.get("studies").get(0).get("explanations").get(0);
    assertEquals(91, entry.get("mapShape").get(0).asInt(), "one map per sagittal slice (the volume's x extent)");
    String check = """
        import sys, numpy as np, nibabel as nib
        brain, m = nib.load(sys.argv[1]), nib.load(sys.argv[2])
        assert m.shape == (109, 91, 91), m.shape
        # the map's first row of its first slice lies on the brain's left, anterior, superior edge
        corner = m.affine @ [0, m.shape[1] - 1, 0, 1]
        box = brain.affine @ np.array([[0, 0, 0, 1], [90, 108, 90, 1]]).T
        assert np.allclose(corner[:3], [box[0].min(), box[1].max(), box[2].max()], atol=1e-3), corner
        print('ok')
        """;
    assertEquals("ok", python(check, brain.toString(), out.resolve(entry.get("mapNifti").asText()).toString()));
  }

  @Test
  void imagesBecomePngAndAVolumeIsNotForcedIntoOne(@TempDir Path tmp) throws Exception {
    Path pydicom = Path.of(Files.readString(REFERENCES.resolve("source.txt")).trim());
    Path png = tmp.resolve("ct.png");
    CliTest.Run r = CliTest.lumen("convert", pydicom.resolve("CT_small.dcm").toString(), png.toString());
    assertEquals(0, r.code(), r.err());
    float[] written = Images.read(png).pixels().unsafeData();
    float[] decoded = Images.read(pydicom.resolve("CT_small.dcm")).pixels().unsafeData();
    for (int i = 0; i < written.length; i++) {
      assertEquals(Math.round(decoded[i]), written[i], 0f, "pixel " + i);
    }
    CliTest.Run refused = CliTest.lumen("convert", pydicom.resolve("dicomdirtests/98892001/CT5N").toString(),
        tmp.resolve("series.png").toString());
    assertEquals(3, refused.code(), refused.err());
    assertTrue(refused.err().contains("holds 5 slices; write a volume as .npy or .nii.gz"), refused.err());
  }

  @Test
  void explanationMapsOfAVolumeAreWrittenAsNiftiOverTheScan(@TempDir Path tmp) throws Exception {
    Path model = DemoFiles.copyModel("knee-sagittal", tmp);
    Path pydicom = Path.of(Files.readString(REFERENCES.resolve("source.txt")).trim());
    Path anatomical = Path.of(Files.readAllLines(REFERENCES.resolve("nifti.tsv")).get(0).split("\t")[0]);
    for (Path study : List.of(anatomical, pydicom.resolve("dicomdirtests/98892001/CT5N"))) {
      Path out = Files.createDirectories(tmp.resolve("maps-" + study.getFileName()));
      CliTest.Run e = CliTest.lumen("explain", model.toString(), study.toString(), "-o", out.resolve("x").toString(),
          "--method", "gradcam", "--target", "acl");
      assertEquals(0, e.code(), e.err());
      var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("x/manifest.json").toFile());
      Path map = out.resolve("x").resolve(manifest.get("studies").get(0).get("explanations").get(0).get("mapNifti")
          .asText());
      Path scan = out.resolve("scan.nii.gz");
      assertEquals(0, CliTest.lumen("convert", study.toString(), scan.toString()).code());
      String check = """
          import sys, numpy as np, nibabel as nib
          m, s = nib.load(sys.argv[1]), nib.load(sys.argv[2])
          assert m.shape == s.shape, (m.shape, s.shape)
          assert np.allclose(m.affine, s.affine, atol=1e-4), (m.affine, s.affine)
          v = m.get_fdata()
          assert v.min() >= 0 and v.max() <= 1 and v.max() > 0, (v.min(), v.max())
          print('ok')
          """;
      assertEquals("ok", python(check, map.toString(), scan.toString()), study.toString());
    }
  }
}
