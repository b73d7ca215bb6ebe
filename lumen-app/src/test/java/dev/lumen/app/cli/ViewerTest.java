package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer in a real browser: Debian's chromium, headless, driven through its chromedriver,
 * against {@code lumen serve} with the demo data on an ephemeral port.
 */
class ViewerTest extends ServerTestBase {
  static ChromeDriver browser;

  @BeforeAll
  static void startBrowser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    // chromium as root in a container, with nothing reaching out to the (closed) network
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1700,1100", "--user-data-dir=" + data.resolve("chromium"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterEach
  void printConsole() {
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      System.out.println("browser console: " + e);
    }
  }

  /** Opens the viewer afresh (a URL differing only in its hash would not reload the page). */
  private static void open(String hash) {
    browser.get("about:blank");
    browser.get(api.url() + "/" + hash);
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, Duration.ofSeconds(90));
  }

  /** Whether {@code planes} planes are shown, each with its map drawn (read in the page: the planes are rebuilt). */
  private static boolean mapsShown(int planes) {
    Object shown = js("const s = [...document.querySelectorAll('.plane:not([data-old]) .status')]"
        + ".map(e => e.textContent);"
        + "return s.length === arguments[0] && s.every(t => t.startsWith('gradcam of'));", planes);
    return Boolean.TRUE.equals(shown);
  }

  /** A digest of a canvas's pixels, to see whether it changed. */
  private static long pixels(String selector) {
    return ((Number) js("const c = document.querySelector(arguments[0]);"
        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        + "let h = 0; for (let i = 0; i < d.length; i++) { h = (h * 31 + d[i]) % 1000000007; } return h;", selector))
        .longValue();
  }

  private static void screenshot(String name) throws IOException {
    Path out = Path.of("target/screenshots").resolve(name);
    Files.createDirectories(out.getParent());
    Files.write(out, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void theCaseBrowserShowsTheKneeExamsFiltersThemAndDrawsTheirMaps() throws Exception {
    open("#cases");
    waiting().until(b -> !b.findElements(By.cssSelector("#case-list li")).isEmpty());
    List<WebElement> cells = browser.findElements(By.cssSelector("#cells button"));
    assertEquals(5, cells.size());
    assertEquals("all (4)", cells.get(0).getText(), "the four validation exams of the demo");
    // every exam is in exactly one confusion cell
    int sum = 0;
    Pattern count = Pattern.compile("\\((\\d+)\\)");
    WebElement nonEmpty = null;
    for (WebElement cell : cells.subList(1, 5)) {
      Matcher m = count.matcher(cell.getText());
      assertTrue(m.find(), cell.getText());
      sum += Integer.parseInt(m.group(1));
      if (nonEmpty == null && Integer.parseInt(m.group(1)) > 0) {
        nonEmpty = cell;
      }
    }
    assertEquals(4, sum);
    Matcher m = count.matcher(nonEmpty.getText());
    m.find();
    int expected = Integer.parseInt(m.group(1));
    String cell = nonEmpty.getAttribute("data-cell");
    waiting().until(b -> mapsShown(3));
    js("performance.clearResourceTimings(); document.querySelectorAll('.plane').forEach(p => p.dataset.old = '1');");
    nonEmpty.click();
    long clicked = System.nanoTime();
    waiting().until(b -> b.findElements(By.cssSelector("#case-list li")).size() == expected);
    assertTrue(browser.getCurrentUrl().contains("cell=" + cell), browser.getCurrentUrl());

    waiting().until(b -> mapsShown(3));
    System.out.printf("viewer: a case opened with its three planes' maps in %.0f ms%n", (System.nanoTime() - clicked) / 1e6);
    String badge = browser.findElement(By.id("badge")).getText();
    assertTrue(List.of("true positive", "false negative", "false positive", "true negative").contains(badge), badge);
    assertTrue(browser.findElement(By.id("sentence")).getText().contains("sagittal"), "plane probabilities are shown");
    screenshot("cases.png");

    String sagittal = ".plane[data-plane=sagittal] ";
    waiting().until(b -> String.valueOf(js("return document.querySelector(arguments[0]).title;", sagittal + ".strip"))
        .contains("max over slices"));
    String label = browser.findElement(By.cssSelector(sagittal + ".slice-label")).getText();
    assertTrue(label.matches("slice \\d+ / \\d+"), label);
    // measured, not asserted: written into docs/benchmarks.md
    double drawMs = ((Number) js("const s = document.querySelector(arguments[0]); const t = performance.now();"
        + "for (let i = 0; i < 20; i++) { s.value = String(i % Number(s.max)); s.dispatchEvent(new Event('input')); }"
        + "return (performance.now() - t) / 20;", sagittal + ".slider")).doubleValue();
    js("const s = document.querySelector(arguments[0]); s.value = String(Math.floor(Number(s.max) / 2));"
        + "s.dispatchEvent(new Event('input'));", sagittal + ".slider");
    Object transfers = js("const sum = (p) => performance.getEntriesByType('resource').filter(e => e.name.includes(p))"
        + ".reduce((a, e) => a + e.encodedBodySize, 0); return [sum('pixels.u8'), sum('map.u8')];");
    System.out.printf("viewer: a slice change draws in %.1f ms; the exam's pixels and maps came as %s bytes%n", drawMs,
        transfers);
    long before = pixels(sagittal + ".slice-canvas");
    long mapBefore = pixels(sagittal + ".map-canvas");
    // dragging the slider fires input events; one step is enough to change the slice
    js("const s = document.querySelector(arguments[0]); s.value = String(Number(s.value) + 3);"
        + "s.dispatchEvent(new Event('input'));", sagittal + ".slider");
    assertNotEquals(label, browser.findElement(By.cssSelector(sagittal + ".slice-label")).getText());
    assertNotEquals(before, pixels(sagittal + ".slice-canvas"), "the slice's pixels changed");
    assertNotEquals(mapBefore, pixels(sagittal + ".map-canvas"), "its map changed with it");

    // at the map's peak slice, where the map has colour to blend
    browser.findElement(By.cssSelector(sagittal + ".peak")).click();
    long requests = ((Number) js("return performance.getEntriesByType('resource').length;")).longValue();
    long overlay = pixels(sagittal + ".map-canvas");
    js("const o = document.getElementById('opacity'); o.value = '0.9'; o.dispatchEvent(new Event('input'));");
    assertNotEquals(overlay, pixels(sagittal + ".map-canvas"), "opacity changes the overlay");
    assertEquals(requests, ((Number) js("return performance.getEntriesByType('resource').length;")).longValue(),
        "with no request");

    // opened again, its maps come from the store
    js("document.querySelectorAll('.plane').forEach(p => p.dataset.old = '1');");
    long reopened = System.nanoTime();
    browser.findElement(By.cssSelector("#case-list li")).click();
    waiting().until(b -> mapsShown(3));
    System.out.printf("viewer: the case opened again (maps stored) in %.0f ms%n", (System.nanoTime() - reopened) / 1e6);
  }

  @Test
  void twoDimensionalStudiesOpenInOnePaneAndAViewIsSharedByItsUrl() throws Exception {
    open("#cases");
    waiting().until(b -> !b.findElements(By.cssSelector("#case-list li")).isEmpty());
    String chest = (String) js("const s = document.getElementById('dataset');"
        + "const o = [...s.options].find(o => o.text.startsWith('chest')); s.value = o.value;"
        + "s.dispatchEvent(new Event('change')); return o.value;");
    waiting().until(b -> "all (12)".equals(js("return document.querySelector('#cells button')?.textContent;")));
    waiting().until(b -> mapsShown(1));
    assertEquals("image", browser.findElement(By.cssSelector(".plane")).getAttribute("data-plane"));
    // a case with the label's mask shows it as an outline: pick one through the list
    String shared = browser.getCurrentUrl();
    assertTrue(shared.contains("dataset=" + chest) && shared.contains("case="), shared);
    String sentence = browser.findElement(By.id("sentence")).getText();
    browser.get("about:blank");
    browser.get(shared);
    waiting().until(b -> mapsShown(1));
    assertEquals(sentence, browser.findElement(By.id("sentence")).getText(), "the shared link opens the same case");
    screenshot("cases-2d.png");
  }

  /** A radiologist's own DICOM image (pydicom's CT_small.dcm, 128 x 128) is uploaded, predicted and explained. */
  @Test
  void theExplainPageTakesADicomImage() throws Exception {
    open("#explain");
    waiting().until(b -> !b.findElements(By.cssSelector("#study option")).isEmpty());
    assertTrue(browser.findElement(By.id("upload")).getAttribute("accept").contains(".dcm"), "the picker offers DICOM");
    Path dicom = Files.copy(DicomStudiesTest.pydicomFile("CT_small.dcm"), data.resolve("ct.dcm"));
    browser.findElement(By.id("upload")).sendKeys(dicom.toString());
    waiting().until(b -> b.findElement(By.id("status")).getText().startsWith("uploaded"));
    js("document.getElementById('method').value = 'gradcam'; document.getElementById('threshold').value = '0.5';"
        + "for (const o of document.getElementById('compare').options) { o.selected = false; }"
        + "document.getElementById('status').textContent = '';");
    browser.findElement(By.id("run")).click();
    // done: a row per label; failed: the status says why instead of the job's progress
    waiting().until(b -> !b.findElements(By.cssSelector(".label-row")).isEmpty()
        || !b.findElement(By.id("status")).getText().matches("(gradcam of .*)?"));
    assertEquals(3, browser.findElements(By.cssSelector("#predictions li")).size(),
        browser.findElement(By.id("status")).getText());
    WebElement map = browser.findElement(By.cssSelector(".label-row canvas"));
    assertEquals(List.of(128L, 128L), js("const c = arguments[0]; return [c.width, c.height];", map),
        "drawn at the DICOM image's size");
  }

  /**
   * A knee exam uploaded as NIfTI (written by {@code lumen convert} from part of a demo exam) is explained
   * by the sagittal plane model: a slice viewer per label above the threshold, through every
   * slice of the volume, with its map; an image model is refused for it, saying why.
   */
  @Test
  void theExplainPageTakesANiftiVolumeAndShowsItsMapsSliceBySlice() throws Exception {
    Path exam;
    try (var files = Files.list(data.resolve("demo/datasets/knee-exams/valid/sagittal"))) {
      exam = files.filter(f -> f.toString().endsWith(".npy")).sorted().findFirst().orElseThrow();
    }
    // six of its slices at half the size, under the test server's 1 MiB upload limit
    dev.lumen.core.tensor.Tensor full = dev.lumen.core.io.Npy.read(exam).tensor();
    int depth = 6;
    int height = full.dim(1) / 2;
    int width = full.dim(2) / 2;
    float[] values = new float[depth * height * width];
    for (int i = 0; i < values.length; i++) {
      int z = i / (height * width);
      int y = i / width % height;
      int x = i % width;
      values[i] = full.unsafeData()[((z + full.dim(0) / 2 - 3) * full.dim(1) + 2 * y) * full.dim(2) + 2 * x];
    }
    Path small = data.resolve("knee-exam.npy");
    dev.lumen.core.io.Npy.write(small, dev.lumen.core.tensor.Tensor.of(values, depth, height, width));
    Path nifti = data.resolve("knee exam.nii.gz");
    CliTest.Run convert = CliTest.lumen("convert", small.toString(), nifti.toString());
    assertEquals(0, convert.code(), convert.err());
    open("#explain");
    waiting().until(b -> !b.findElements(By.cssSelector("#study option")).isEmpty());
    browser.findElement(By.id("upload")).sendKeys(nifti.toString());
    waiting().until(b -> b.findElement(By.id("status")).getText().startsWith("uploaded"));
    assertTrue(browser.findElement(By.cssSelector("#study option:checked")).getText().endsWith("(volume)"));
    String sagittal = api.modelId("knee-sagittal.onnx");
    js("for (const b of document.querySelectorAll('#models input')) { b.checked = b.value === arguments[0]; }"
        + "document.getElementById('method').value = 'gradcam'; document.getElementById('threshold').value = '0';"
        + "for (const o of document.getElementById('compare').options) { o.selected = false; }"
        + "document.getElementById('status').textContent = '';", sagittal);
    browser.findElement(By.id("run")).click();
    waiting().until(b -> b.findElements(By.cssSelector(".volume-row .plane")).size() == 3
        && b.findElements(By.cssSelector(".volume-row .plane .status")).stream()
            .allMatch(e -> e.getText().startsWith("gradcam of"))
        || !b.findElement(By.id("status")).getText().matches("(gradcam of .*)?"));
    assertEquals(3, browser.findElements(By.cssSelector("#predictions li")).size(),
        browser.findElement(By.id("status")).getText());
    String first = ".volume-row .plane ";
    assertEquals(String.valueOf(depth - 1), browser.findElement(By.cssSelector(first + ".slider")).getAttribute("max"),
        "the viewer runs through every slice of the volume");
    // opened where the map peaks; then one slice further
    int peak = Integer.parseInt(browser.findElement(By.cssSelector(first + ".slider")).getAttribute("value"));
    browser.findElement(By.cssSelector(first + ".peak")).click();
    assertEquals(String.valueOf(peak), browser.findElement(By.cssSelector(first + ".slider")).getAttribute("value"));
    long map = pixels(first + ".map-canvas");
    int next = (peak + 1) % depth;
    js("const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('input'));",
        first + ".slider", String.valueOf(next));
    assertEquals("slice " + (next + 1) + " / " + depth,
        browser.findElement(By.cssSelector(first + ".slice-label")).getText());
    assertNotEquals(map, pixels(first + ".map-canvas"), "another slice, another map");
    screenshot("explain-volume.png");

    js("for (const b of document.querySelectorAll('#models input')) { b.checked = b.value === arguments[0]; }"
        + "document.getElementById('status').textContent = '';", api.modelId("chest-demo.onnx"));
    browser.findElement(By.id("run")).click();
    waiting().until(b -> !b.findElement(By.id("status")).getText().isEmpty());
    assertEquals("this study is a volume: choose volume models", browser.findElement(By.id("status")).getText());
  }

  @Test
  void theExplainPageTakesAnUploadAndShowsPredictionsBoxesAndMethodsSideBySide() throws Exception {
    open("#explain");
    waiting().until(b -> !b.findElements(By.cssSelector("#study option")).isEmpty());
    Path upload = Files.copy(data.resolve("demo/studies/study-2-opacity.png"), data.resolve("my radiograph.png"));
    browser.findElement(By.id("upload")).sendKeys(upload.toString());
    waiting().until(b -> b.findElement(By.id("status")).getText().startsWith("uploaded"));
    js("const s = document.getElementById('settings'); s.value = '{\"limeSamples\": 60}';"
        + "for (const o of document.getElementById('compare').options) { o.selected = ['gradcam', 'lime'].includes(o.value); }");
    browser.findElement(By.id("run")).click();
    waiting().until(b -> b.findElements(By.cssSelector("#compare-view figure")).size() == 5
        || b.findElement(By.id("status")).getText().contains("failed"));
    List<WebElement> predictions = browser.findElements(By.cssSelector("#predictions li"));
    assertEquals(3, predictions.size(), "every label of the demo model");
    double previous = 1;
    for (WebElement p : predictions) {
      double probability = Double.parseDouble(p.getText().replaceAll(".* ", ""));
      assertTrue(probability <= previous, "sorted: " + p.getText());
      previous = probability;
    }
    String top = predictions.get(0).getText().split(" ")[0];
    WebElement row = browser.findElement(By.cssSelector(".label-row[data-label=" + top + "]"));
    assertEquals(3, row.findElements(By.tagName("canvas")).size(), "study, map and boxes");
    assertTrue(browser.findElements(By.cssSelector("#summary canvas")).size() == 1);
    List<String> captions = browser.findElements(By.cssSelector("#compare-view figcaption")).stream()
        .map(WebElement::getText).toList();
    assertEquals(List.of("gradcam", "lime", "lime: for", "lime: against", "lime: region only"), captions);
    screenshot("explain.png");
  }

  @Test
  void theDashboardShowsAucsAndConfusionAndACellOpensItsCases() throws Exception {
    String chest = null;
    for (var d : api.json("GET", "/api/datasets", null, 200)) {
      chest = d.get("kind").asText().equals("labels") ? d.get("id").asText() : chest;
    }
    String model = api.modelId("chest-findings.onnx");
    var job = api.json("POST", "/api/evaluations", "{\"dataset\": \"" + chest + "\", \"model\": \"" + model
        + "\", \"explanations\": [\"cam\"]}", 202);
    var done = api.waitFor(job.get("job").get("id").asText());
    assertEquals("done", done.get("state").asText(), done.toString());
    var report = api.json("GET", "/api/evaluations/" + done.get("result").get("evaluation").asText(), null, 200)
        .get("report");
    open("#evaluation?dataset=" + chest + "&evaluation=" + done.get("result").get("evaluation").asText()
        + "&label=nodule");
    waiting().until(b -> !b.findElements(By.cssSelector("#confusion td.cell")).isEmpty());
    String aucs = browser.findElement(By.id("aucs")).getText();
    for (var l : report.get("labels")) {
      assertTrue(aucs.contains(l.get("label").asText() + " AUC " + String.format(java.util.Locale.ROOT, "%.3f",
          l.get("auc").asDouble())), aucs);
    }
    assertTrue(browser.findElement(By.id("explanations")).getText().contains("cam"), "the maps' scores are shown");
    js("const t = document.getElementById('threshold'); t.value = '0.3'; t.dispatchEvent(new Event('input'));");
    int total = 0;
    int truePositives = 0;
    for (WebElement cell : browser.findElements(By.cssSelector("#confusion td.cell"))) {
      int n = Integer.parseInt(cell.getText().replaceAll(".* ", ""));
      total += n;
      truePositives = cell.getAttribute("data-cell").equals("tp") ? n : truePositives;
    }
    assertEquals(12, total, "every study in one cell");
    int expected = truePositives;
    screenshot("evaluation.png");
    browser.findElement(By.cssSelector("#confusion td[data-cell=tp]")).click();
    waiting().until(b -> b.getCurrentUrl().contains("#cases") && String.valueOf(
        js("return document.querySelector('#cells button.on')?.textContent;")).startsWith("true positive"));
    assertEquals(expected, browser.findElements(By.cssSelector("#case-list li")).size(), "the cell's cases");
  }

  /**
   * An evaluation with quality measures: the dashboard's table gains their columns with the
   * report's values, and the chosen curve is drawn for every method on the chosen label, each
   * line through the report's points.
   */
  @Test
  void theDashboardShowsTheQualityMeasuresAndPlotsEachMethodsCurve() throws Exception {
    String chest = null;
    for (var d : api.json("GET", "/api/datasets", null, 200)) {
      chest = d.get("kind").asText().equals("labels") ? d.get("id").asText() : chest;
    }
    var job = api.json("POST", "/api/evaluations", "{\"dataset\": \"" + chest + "\", \"model\": \""
        + api.modelId("chest-findings.onnx") + "\", \"explanations\": [\"cam\", \"gradcam\"], \"quality\": "
        + "[\"deletion\", \"insertion\"]}", 202);
    var done = api.waitFor(job.get("job").get("id").asText());
    assertEquals("done", done.get("state").asText(), done.toString());
    String evaluation = done.get("result").get("evaluation").asText();
    var scores = api.json("GET", "/api/evaluations/" + evaluation, null, 200).get("report").get("explanations");
    open("#evaluation?dataset=" + chest + "&evaluation=" + evaluation + "&label=nodule&curve=insertion");
    waiting().until(b -> !"[]".equals(String.valueOf(js("return document.getElementById('curves').dataset.lines;")))
        && js("return document.getElementById('curves').dataset.lines;") != null);
    assertEquals("[\"cam\",\"gradcam\"]", js("return document.getElementById('curves').dataset.lines;"));
    assertEquals(List.of("deletion", "insertion"), browser.findElements(By.cssSelector("#curve option")).stream()
        .map(WebElement::getText).toList());
    String header = browser.findElement(By.cssSelector("#explanations tr")).getText();
    assertTrue(header.contains("deletionAuc") && header.contains("insertionAuc"), header);
    String camRow = browser.findElement(By.cssSelector("#explanations tr[data-method=cam][data-label=nodule]"))
        .getText();
    assertTrue(camRow.contains(String.format(java.util.Locale.ROOT, "%.3f", scores.get("cam").get("nodule")
        .get("insertionAuc").asDouble())), camRow);
    // every point of every line is drawn where the report puts it (480x360 canvas, 34 px margins)
    for (String method : List.of("cam", "gradcam")) {
      var curve = scores.get(method).get("nodule").get("curves").get("insertion");
      for (int k = 0; k < curve.get("fractions").size(); k++) {
        long x = Math.round(34 + curve.get("fractions").get(k).asDouble() * (480 - 68));
        long y = Math.round(360 - 34 - curve.get("probabilities").get(k).asDouble() * (360 - 68));
        Object background = js("const d = document.getElementById('curves').getContext('2d')"
            + ".getImageData(arguments[0] - 1, arguments[1] - 1, 3, 3).data; let bg = true;"
            + "for (let i = 0; i < d.length; i += 4) { bg = bg && d[i] === 0x1b && d[i + 1] === 0x20; } return bg;", x, y);
        assertEquals(Boolean.FALSE, background, method + " point " + k + " at " + x + "," + y);
      }
    }
    js("document.getElementById('curves').scrollIntoView({block: 'center'});");
    screenshot("quality-curves.png");
    js("const s = document.getElementById('curve'); s.value = 'deletion'; s.dispatchEvent(new Event('change'));");
    waiting().until(b -> b.getCurrentUrl().contains("curve=deletion"));
  }

  @Test
  void anAnnotationDrawnWithTheMouseIsStoredAndItsAgreementRowAppears() throws Exception {
    String study = api.studyId("study-5-opacity.png");
    open("#explain?study=" + study + "&models=" + api.modelId("chest-demo.onnx") + "&method=gradcam");
    waiting().until(b -> !b.findElements(By.cssSelector("#study option")).isEmpty());
    browser.findElement(By.id("run")).click();
    waiting().until(b -> !b.findElements(By.cssSelector(".annotate canvas.drawing")).isEmpty());
    WebElement canvas = browser.findElement(By.cssSelector(".annotate canvas.drawing"));
    js("arguments[0].scrollIntoView({block: 'center'});", canvas);
    browser.findElement(By.cssSelector(".annotate .author")).sendKeys("dr. test");
    String label = browser.findElement(By.cssSelector(".annotate .label")).getAttribute("value");
    // a box dragged over the right lung, 96 px by 120 px on the 384 px canvas of a 256 px study
    new org.openqa.selenium.interactions.Actions(browser).moveToElement(canvas, 20, -60).clickAndHold()
        .moveByOffset(48, 60).moveByOffset(48, 60).release().perform();
    browser.findElement(By.cssSelector(".annotate .save")).click();
    waiting().until(b -> !b.findElements(By.cssSelector(".annotate .annotations li")).isEmpty());
    var stored = api.json("GET", "/api/studies/" + study + "/annotations", null, 200);
    assertEquals(1, stored.size());
    var box = stored.get(0).get("box");
    assertEquals("box", stored.get(0).get("shape").asText());
    assertEquals(label, stored.get(0).get("label").asText());
    assertEquals("dr. test", stored.get(0).get("author").asText());
    assertEquals(64, box.get(2).asDouble() - box.get(0).asDouble(), 1.5, "96 canvas px are 64 study px: " + box);
    assertEquals(80, box.get(3).asDouble() - box.get(1).asDouble(), 1.5, "120 canvas px are 80 study px: " + box);
    waiting().until(b -> !b.findElements(By.cssSelector(".annotate .agreement tr[data-method=gradcam]")).isEmpty());
    var agreement = api.json("GET", "/api/studies/" + study + "/agreement?label=" + label, null, 200);
    String row = browser.findElement(By.cssSelector(".annotate .agreement tr[data-method=gradcam]")).getText();
    assertTrue(row.contains(String.format(java.util.Locale.ROOT, "%.3f", agreement.get(0).get("energyInside")
        .asDouble())), row + " against " + agreement);
    screenshot("annotate.png");

    // redrawn: a second version, the first kept
    browser.findElement(By.xpath("//ul[@class='annotations']/li/button[text()='redraw']")).click();
    new org.openqa.selenium.interactions.Actions(browser).moveToElement(canvas, -120, -60).clickAndHold()
        .moveByOffset(60, 90).release().perform();
    browser.findElement(By.cssSelector(".annotate .save")).click();
    String id = stored.get(0).get("id").asText();
    waiting().until(b -> {
      try {
        return api.json("GET", "/api/annotations/" + id + "/versions", null, 200).size() == 2;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    var versions = api.json("GET", "/api/annotations/" + id + "/versions", null, 200);
    assertEquals(stored.get(0).toString(), versions.get(0).toString(), "version 1 is kept as it was");
    assertEquals(40, versions.get(1).get("box").get(2).asDouble() - versions.get(1).get("box").get(0).asDouble(), 1.5);
  }
}
