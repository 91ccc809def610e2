// Preloaded into a Node MCP peer (`node -r ./loopback.cjs …`) so that every server it starts
// listens on 127.0.0.1 only: @modelcontextprotocol/server-everything binds all interfaces
// and takes only a port (PORT). This reproduces its behaviour exactly, minus the exposure.
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (typeof args[1] === "string") {
      args[1] = "127.0.0.1";
    } else {
      args.splice(1, 0, "127.0.0.1");
    }
  } else if (args[0] && typeof args[0] === "object" && !Array.isArray(args[0])) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
