// Types for bottleneck's light build (no Redis clustering), the one @octokit/plugin-throttling loads:
// the package types only its full entry point, whose API the light build shares.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
