import { Placeholder } from '../../components/Placeholder';

export default function VersionPage() {
  return <Placeholder title="Version" />;
}
