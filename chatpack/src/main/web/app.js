// The page: reads the chosen file into memory, hands it to a worker running chatpack's compiled core, and
// shows the result. Nothing here touches the network.
(function () {
  "use strict";
  var PREVIEW_BYTES = 200 * 1024;
  var $ = function (id) { return document.getElementById(id); };
  var chosen = null;
  var workerUrl = null;
  var worker = null;
  var busy = false;
  var downloadUrl = null;
  var output = null;

  function setState(state) {
    document.body.dataset.state = state;
  }

  function number(n) {
    return Math.round(n).toLocaleString("en-US");
  }

  function bytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  function showError(message) {
    $("error").textContent = message;
    $("error").hidden = false;
    $("work").hidden = true;
    setState("error");
  }

  function options() {
    return {
      platform: $("platform").value, format: $("format").value, merge: $("merge").checked,
      timestamps: $("timestamps").checked, replies: $("replies").checked, edited: $("edited").checked,
      ids: $("ids").checked, media: $("media").checked, service: $("service").checked,
      from: $("from").value, after: $("after").value, before: $("before").value, chat: $("chat").value
    };
  }

  function choose(file) {
    if (!file) return;
    chosen = file;
    $("convert").disabled = false;
    convert();
  }

  function readFile(file, onDone) {
    var reader = new FileReader();
    reader.onprogress = function (e) {
      if (e.lengthComputable) progress(e.loaded / e.total * 0.1, "Reading " + file.name + ": " + bytes(e.loaded));
    };
    reader.onerror = function () { showError(file.name + ": the browser could not read the file"); };
    reader.onload = function () { onDone(reader.result); };
    reader.readAsArrayBuffer(file);
  }

  function progress(fraction, text) {
    $("progress").value = Math.max(0, Math.min(1, fraction));
    $("status").textContent = text;
  }

  // One worker, started with the page so it loads the tokenizer while a file is chosen, and kept for the next
  // file; only a conversion still running when another starts is abandoned with its worker.
  function startWorker() {
    if (!workerUrl) {
      var source = "(" + chatpackWorker.toString() + ")()";
      workerUrl = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    }
    worker = new Worker(workerUrl);
    busy = false;
    worker.onmessage = function (e) {
      if (e.data.type === "warm") document.body.dataset.tokenizer = "ready";
    };
  }

  function convert() {
    if (!chosen) return;
    $("error").hidden = true;
    $("result").hidden = true;
    $("work").hidden = false;
    setState("working");
    document.body.dataset.progressUpdates = "0";
    var file = chosen;
    var opts = options();
    readFile(file, function (buffer) {
      var size = buffer.byteLength;
      if (busy) {
        worker.terminate();
        startWorker();
      }
      busy = true;
      worker.onmessage = function (e) {
        var m = e.data;
        if (m.type === "warm") {
          document.body.dataset.tokenizer = "ready";
        } else if (m.type === "progress") {
          // Counted for the tests, which check a large file reports progress.
          document.body.dataset.progressUpdates = String(Number(document.body.dataset.progressUpdates || 0) + 1);
          var f = isNaN(m.fraction) ? 0 : m.fraction;
          if (m.stage === "converting") {
            progress(0.1 + f * 0.6, "Converting: " + number(m.read) + " messages read (" + Math.round(f * 100) + "%)");
          } else {
            progress(0.7 + f * 0.3, "Counting tokens (" + Math.round(f * 100) + "%)");
          }
        } else if (m.type === "error") {
          // As the CLI prints it: an export error already names the file, an option error names the option.
          showError(m.message);
        } else {
          show(file, size, opts, m);
        }
        if (m.type === "error" || m.type === "done") busy = false;
      };
      worker.onerror = function (e) {
        showError(file.name + ": the converter failed: " + (e.message || "unknown error"));
        worker.terminate();
        startWorker();
      };
      progress(0.1, "Converting...");
      worker.postMessage({ buffer: buffer, name: file.name, options: opts }, [buffer]);
    });
  }

  // A word as a POSIX shell reads it back.
  function shellWord(s) {
    return /^[A-Za-z0-9._\/:@%+=,-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
  }

  // The command line that writes the same result, so the page teaches the CLI.
  function cliCommand(name, opts, command) {
    var words = ["chatpack", command, shellWord(name)];
    if (opts.format !== "csv") words.push("-f", opts.format);
    if (!opts.merge) words.push("--no-merge");
    if (opts.timestamps) words.push("-t");
    if (opts.replies) words.push("-r");
    if (opts.edited) words.push("-e");
    if (opts.ids) words.push("--ids");
    if (!opts.media) words.push("--no-media");
    if (opts.service) words.push("--service");
    [["--from", opts.from], ["--after", opts.after], ["--before", opts.before], ["--chat", opts.chat]]
      .forEach(function (o) { if (o[1].trim()) words.push(o[0], shellWord(o[1].trim())); });
    return words.join(" ");
  }

  function show(file, size, opts, m) {
    output = new Uint8Array(m.output);
    $("detected").textContent = m.platform;
    $("command").textContent = cliCommand(file.name, opts, m.command);
    $("messages-in").textContent = number(m.read) + (m.kept !== m.read ? " (" + number(m.kept) + " kept)" : "");
    $("messages-out").textContent = number(m.written) + " rows";
    // Entries that became no message are said, never dropped silently.
    $("skipped").textContent = m.skipped > 0 ? number(m.skipped) + " (" + m.skippedWhy + ")" : "none";
    $("skipped-note").hidden = !(m.skippedWhy.indexOf("notice") >= 0 && !opts.service);
    $("bytes-in").textContent = bytes(size);
    $("bytes-out").textContent = bytes(output.length);
    $("tokens-in").textContent = number(m.tokensIn);
    $("tokens-out").textContent = number(m.tokensOut) +
      (m.tokensOut > 0 ? " (" + (m.tokensIn / m.tokensOut).toFixed(1) + "x fewer)" : "");
    var type = opts.format === "csv" ? "text/csv" : opts.format === "json" ? "application/json" : "application/x-ndjson";
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([output], { type: type }));
    $("download").href = downloadUrl;
    $("download").download = "optimized_chat." + opts.format;
    var shown = output.length > PREVIEW_BYTES ? output.subarray(0, PREVIEW_BYTES) : output;
    $("preview").value = new TextDecoder().decode(shown);
    $("preview-note").hidden = output.length <= PREVIEW_BYTES;
    $("copied").textContent = "";
    progress(1, "Done: " + number(m.read) + " messages in, " + number(m.written) + " rows out" +
      (m.skipped > 0 ? ", " + number(m.skipped) + " entries skipped." : "."));
    $("result").hidden = false;
    setState("done");
  }

  $("file").addEventListener("change", function () { choose(this.files[0]); });
  var drop = $("drop");
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    drop.classList.remove("over");
    choose(e.dataTransfer.files[0]);
  });
  $("options").addEventListener("submit", function (e) { e.preventDefault(); convert(); });
  $("copy").addEventListener("click", function () {
    navigator.clipboard.writeText(new TextDecoder().decode(output)).then(
      function () { $("copied").textContent = "Copied."; },
      function () { $("copied").textContent = "The browser refused the clipboard; use Download."; });
  });
  startWorker();
  setState("idle");
})();
