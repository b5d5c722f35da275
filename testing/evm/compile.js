// Compiles contracts/<Name>.sol (Name: the first argument, Anchor when none) with solc-js and prints
// {compiler, abi, bytecode} as JSON on stdout. chainsync commits the output
// (chainsync-core/src/main/resources/evm/<Name>.json); tests recompile and compare, so the committed
// bytecode is always the source's.
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const contractName = process.argv[2] || 'Anchor';
const name = contractName + '.sol';
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
const contract = output.contracts[name][contractName];
process.stdout.write(JSON.stringify({
  compiler: solc.version(),
  abi: contract.abi,
  bytecode: '0x' + contract.evm.bytecode.object,
}, null, 2) + '\n');
