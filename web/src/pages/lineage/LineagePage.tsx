import { Placeholder } from '../../components/Placeholder';

export default function LineagePage() {
  return <Placeholder title="Lineage" />;
}
