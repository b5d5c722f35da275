// Compiles contracts/Anchor.sol with solc-js and prints {abi, bytecode} as JSON on stdout.
// chainsync commits the output (chainsync-core/src/main/resources/evm/Anchor.json); a test
// recompiles and compares, so the committed bytecode is always this source's.
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const name = 'Anchor.sol';
const input = {
  language: 'Solidity',
  sources: { [name]: { content: fs.readFileSync(path.join(__dirname, 'contracts', name), 'utf8') } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    metadata: { bytecodeHash: 'none' },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  console.error(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const contract = output.contracts[name].Anchor;
process.stdout.write(JSON.stringify({
  compiler: solc.version(),
  abi: contract.abi,
  bytecode: '0x' + contract.evm.bytecode.object,
}, null, 2) + '\n');
