
  var ready = new Promise(function (resolve) {
    main([], function () {
      resolve();
    });
  });
  self.onmessage = function (event) {
    ready.then(function () {
      var job = event.data;
      var r = self.chatpackConvert(new Int8Array(job.buffer), job.name, job.options, function (fraction, read) {
        self.postMessage({ type: "progress", fraction: fraction, read: read });
      });
      if (r.error !== undefined) {
        self.postMessage({ type: "error", message: r.error });
        return;
      }
      // A copy of exactly the output's bytes, handed over rather than cloned.
      var out = new Uint8Array(r.output.length);
      out.set(new Uint8Array(r.output.buffer, r.output.byteOffset, r.output.length));
      self.postMessage(
        { type: "done", platform: r.platform, command: r.command, read: r.read, kept: r.kept,
          written: r.written, output: out.buffer },
        [out.buffer]
      );
    });
  };
}
