// Printed once per run so CI logs prove which Node the suite ran on (the machine ships Node 20;
// the project pins Node 24 through the `node` devDependency).
export default function printNodeVersion(): void {
  console.log(`tests running on Node ${process.version} (${process.execPath})`);
}
