
  var ready = new Promise(function (resolve) {
    main([], function () {
      resolve();
    });
  });
  // The tokenizer's vocabulary takes a moment to load: load it while the user is still choosing a file.
  ready.then(function () {
    try {
      self.chatpackWarm();
    } catch (e) {
      // Counting reports the failure when a file is converted.
    }
    self.postMessage({ type: "warm" });
  });
  self.onmessage = function (event) {
    ready.then(function () {
      var job = event.data;
      var r;
      try {
        r = self.chatpackConvert(new Int8Array(job.buffer), job.name, job.options, function (stage, fraction, read) {
          self.postMessage({ type: "progress", stage: stage, fraction: fraction, read: read });
        });
      } catch (e) {
        // Thrown past the converter's own handling (out of memory): said, rather than left waiting.
        r = { error: job.name + ": the converter failed: " + e };
      }
      if (r.error !== undefined) {
        self.postMessage({ type: "error", message: r.error });
        return;
      }
      // A copy of exactly the output's bytes, handed over rather than cloned.
      var out = new Uint8Array(r.output.length);
      out.set(new Uint8Array(r.output.buffer, r.output.byteOffset, r.output.length));
      self.postMessage(
        { type: "done", platform: r.platform, command: r.command, read: r.read, kept: r.kept,
          written: r.written, skipped: r.skipped, skippedWhy: r.skippedWhy, tokensIn: r.tokensIn, tokensOut: r.tokensOut, output: out.buffer },
        [out.buffer]
      );
    });
  };
}
